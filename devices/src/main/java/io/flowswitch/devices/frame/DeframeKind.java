package io.flowswitch.devices.frame;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;

/**
 * The {@code deframe} device kind: the receiving side of {@code frame}. It reads records framed by the
 * same header program out of a byte stream, checks every field and hands out one chunk per record with
 * the payload alone (FML {@code header check { ... }} lowers to it).
 *
 * <p>Parameters: {@code program} (required), the same lowered program as the framer's; it needs a field
 * that is exactly the payload length, to know where a record ends. Stateless and thread-safe.
 */
public final class DeframeKind implements DeviceKind {
    public static final String NAME = "deframe";

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("checks and strips the headers of records framed by a header program (program)")
        .addFunctions("deframe")
        .addFunctions("header-program")
        .setStateful(true)
        .setPassThrough(false)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        program(params);
    }

    @Override
    public DeframeDevice create(DeviceParams params, FlowContext context) {
        return new DeframeDevice(params.stage(), program(params), context.flowId());
    }

    private static HeaderProgram program(DeviceParams params) {
        final HeaderProgram program = FrameKind.program(params, java.util.Set.of(FrameKind.PROGRAM));
        if (program.lengthField() < 0) {
            throw params.bad(FrameKind.PROGRAM, "has no field that is exactly the payload length, so a deframer"
                + " cannot tell where a record ends; add e.g. length: u32 = payload.length");
        }
        return program;
    }
}
