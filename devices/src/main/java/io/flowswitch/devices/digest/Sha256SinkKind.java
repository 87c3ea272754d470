package io.flowswitch.devices.digest;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code sha256-sink} device kind: consumes a flow and reports the SHA-256 of everything it took as
 * {@code sha256 -> lowercase hex}, the text {@code sha256sum} prints. Its use is as the branch of a
 * {@code tee}: a digest of the stream while the stream goes on to its real sink.
 *
 * <p>No parameters. Stateless and thread-safe; each {@link #create} makes a {@link Sha256Sink}.
 */
public final class Sha256SinkKind implements DeviceKind {
    public static final String NAME = "sha256-sink";

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.SINK)
        .setDescription("consumes the stream and reports its SHA-256 (the branch of a tee)")
        .addFunctions("digest")
        .addFunctions("sha256")
        // The digest covers the whole stream in order: one instance per flow.
        .setStateful(true)
        .setPassThrough(true)
        .build();

    /** Hashing is CPU-bound: its stage never waits on I/O. */
    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        params.requireOnly(Set.of());
    }

    @Override
    public Sha256Sink create(DeviceParams params, FlowContext context) {
        validate(params, context);
        return new Sha256Sink(params.stage());
    }
}
