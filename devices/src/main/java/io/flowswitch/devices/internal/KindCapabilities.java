package io.flowswitch.devices.internal;

import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.proto.DeviceCapabilities;

/**
 * The start of every device kind's capabilities: its name and role, a software path and the largest chunk
 * a flow may use. Each kind adds what sets it apart (description, functions, whether it keeps state and
 * passes ranges through, with the reason) and builds. Stateless.
 */
public final class KindCapabilities {
    private KindCapabilities() {
    }

    /** A builder with kind, role, {@code hasSoftwarePath = true} and {@link FlowContext#MAX_CHUNK_BYTES} set. */
    public static DeviceCapabilities.Builder builder(String kind, DeviceRole role) {
        return DeviceCapabilities.newBuilder()
            .setKind(kind)
            .setRole(role.name())
            .setHasSoftwarePath(true)
            .setMaxChunkBytes(FlowContext.MAX_CHUNK_BYTES);
    }
}
