package io.flowswitch.devices.crypto;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * The {@code aes-gcm-encrypt} device kind: AES-256-GCM into the encrypted stream format
 * ({@code docs/encrypted-format.md}), in place, one record per chunk; see {@link AesGcmEncryptDevice}.
 *
 * <p>Parameters: {@code key}, the name of a 32-byte AES key the application gave the flow (required);
 * {@code salt-hex}, the stream's 12-byte salt as 24 hex digits (optional, for reproducible output).
 * Without it the salt is {@link FlowContext#salt}: random per flow and stage, the same for every instance
 * of the stage, which is what instances that write parts of one stream need (replicas, or an instance
 * that replaces a failed one and gets chunks re-issued).
 *
 * <p>Records are independent given their sequence, so the kind reports itself stateless and a stage may
 * be replicated; the end record, though, is written by whichever instance encrypts the chunk flagged
 * {@link io.flowswitch.devices.chunk.ChunkFlags#LAST}, or else, when the stage is not replicated, at end
 * of input. A replica never writes it at end of input, so a replicated stage needs a source that flags
 * its last chunk (a file does); without one the stream lacks its end record and fails to decrypt as
 * truncated. It never reuses a nonce.
 *
 * <p>Stateless and thread-safe; it holds no buffers.
 */
public final class AesGcmEncryptKind implements DeviceKind {
    /** The kind's name in flow specs, FML and the CLI. */
    public static final String NAME = "aes-gcm-encrypt";

    private static final Set<String> PARAMETERS = Set.of(AesGcmKeys.KEY, AesGcmKeys.SALT_HEX);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("encrypts and authenticates a flow with AES-256-GCM into the flowswitch encrypted stream format")
        .addFunctions("aes-256-gcm")
        .addFunctions("encrypt")
        .addFunctions("authenticate")
        .setStateful(false)
        .setPassThrough(true)
        .build();

    /**
     * One record per chunk, from the chunk and its sequence alone, at {@link AesGcmFormat#encryptedOffset}:
     * lanes sharing the flow's salt write one stream together.
     */
    @Override
    public boolean laneSafe() {
        return true;
    }

    /** A record leaves only its first bytes in the clear (CLEAR_PREFIX): a range must start at 0. */
    @Override
    public int passThroughPrefixMaxBytes() {
        return AesGcmFormat.MAX_CLEAR_PREFIX_BYTES;
    }

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        params.requireOnly(PARAMETERS);
        AesGcmKeys.key(params, context);
        AesGcmKeys.salt(params);
    }

    /**
     * Creates an instance; the first one in the JVM also warms the JDK's GCM (well under a second).
     *
     * @throws io.flowswitch.devices.DeviceException {@code BAD_PARAMETER}, {@code NO_SUCH_KEY} or
     *                                               {@code BAD_KEY}, as {@link #validate} would
     */
    @Override
    public Device create(DeviceParams params, FlowContext context) {
        params.requireOnly(PARAMETERS);
        final SecretKey key = AesGcmKeys.key(params, context);
        byte[] salt = AesGcmKeys.salt(params);
        if (salt == null) {
            salt = context.salt(params.stage(), AesGcmFormat.SALT_LENGTH);
        }
        return new AesGcmEncryptDevice(params.stage(), context.flowId(), context.chunkBytes(), key, salt,
            params.replicas() > 1);
    }
}
