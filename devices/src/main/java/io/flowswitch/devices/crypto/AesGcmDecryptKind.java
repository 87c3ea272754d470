package io.flowswitch.devices.crypto;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code aes-gcm-decrypt} device kind: verifies and decrypts a stream in the encrypted stream format
 * ({@code docs/encrypted-format.md}); see {@link AesGcmDecryptDevice}.
 *
 * <p>Parameter: {@code key}, the name of the 32-byte AES key the application gave the flow (required).
 * The flow's chunk size must be at least the chunk size the stream was written with.
 *
 * <p>The kind reports itself stateful: an instance reassembles records that span input chunks and
 * checks that records come in order, so a flow's stream must go through one instance.
 * Stateless and thread-safe itself; it holds no buffers.
 */
public final class AesGcmDecryptKind implements DeviceKind {
    /** The kind's name in flow specs, FML and the CLI. */
    public static final String NAME = "aes-gcm-decrypt";

    private static final Set<String> PARAMETERS = Set.of(AesGcmKeys.KEY);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("verifies and decrypts a flowswitch AES-256-GCM encrypted stream")
        .addFunctions("aes-256-gcm")
        .addFunctions("decrypt")
        .addFunctions("verify")
        .setStateful(true)
        .setPassThrough(false)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        params.requireOnly(PARAMETERS);
        AesGcmKeys.key(params, context);
    }

    /**
     * Creates an instance with its record buffer (one chunk plus 40 bytes); the first one in the JVM also
     * warms the JDK's GCM.
     *
     * @throws io.flowswitch.devices.DeviceException {@code BAD_PARAMETER}, {@code NO_SUCH_KEY} or
     *                                               {@code BAD_KEY}, as {@link #validate} would
     */
    @Override
    public Device create(DeviceParams params, FlowContext context) {
        params.requireOnly(PARAMETERS);
        return new AesGcmDecryptDevice(params.stage(), context.flowId(), context.chunkBytes(),
            AesGcmKeys.key(params, context));
    }
}
