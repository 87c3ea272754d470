package io.flowswitch.devices.accel;

import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.ForwardingTransform;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.crypto.AesGcmEncryptKind;
import io.flowswitch.proto.DeviceCapabilities;

/**
 * The {@code aes-gcm-card} device kind: a model of an AES-GCM accelerator card, rate-limited like {@code
 * rate-limit} ({@link #RATE_BYTES_PER_SECOND}, {@link #LATENCY_NS} per chunk) and encrypting exactly as
 * {@code aes-gcm-encrypt} does, with the same parameters ({@code key}, {@code salt-hex}). So a flow whose
 * card fails can be redirected to {@code aes-gcm-encrypt} (or fall back to its software path) and its
 * output stays byte-identical: the records depend only on key, salt and sequence numbers.
 *
 * <p>Stateless and thread-safe; each {@link #create} makes an instance with its own clock. Ownership of
 * chunks is {@code aes-gcm-encrypt}'s.
 */
public final class AesCardKind implements ModelledAcceleratorKind {
    public static final String NAME = "aes-gcm-card";
    /** The modelled card's speed: slower than the JDK's cipher on one core, as a busy shared card may be. */
    public static final long RATE_BYTES_PER_SECOND = 256L << 20;
    public static final long LATENCY_NS = 20_000;

    private static final AesGcmEncryptKind CIPHER = new AesGcmEncryptKind();
    private static final DeviceCapabilities CAPABILITIES = CIPHER.capabilities().toBuilder()
        .setKind(NAME)
        .setDescription("a modelled AES-GCM accelerator card (256 MiB/s, 20 us per chunk): encrypts as"
            + " aes-gcm-encrypt does, with its parameters, so either can take over from the other")
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        CIPHER.validate(params, context);
    }

    /** The caller owns the returned device and closes it. */
    @Override
    public TransformDevice create(DeviceParams params, FlowContext context) {
        return new Card(new RateLimitDevice(params.stage(), RATE_BYTES_PER_SECOND, LATENCY_NS),
            (TransformDevice) CIPHER.create(params, context));
    }

    /** The card's delay, then the cipher; one chunk at a time. */
    private static final class Card extends ForwardingTransform {
        private final RateLimitDevice delay;

        /** @param cipher what the card runs, after its delay; the rest of the calls go to it */
        Card(RateLimitDevice delay, TransformDevice cipher) {
            super(cipher);
            this.delay = delay;
        }

        @Override
        public void accept(Chunk input) {
            delay.accept(input);
            device.accept(delay.poll(null));
        }

        @Override
        public void endOfInput() {
            delay.endOfInput();
            device.endOfInput();
        }

        @Override
        public void close() {
            delay.close();
            device.close();
        }
    }
}
