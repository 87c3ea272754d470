package io.flowswitch.devices.frame;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code frame} device kind: a framer programmed with a header program (FML {@code header { ... }}
 * lowers to it). Each chunk leaves as one record: the header the program computes, then the payload.
 *
 * <p>Parameters: {@code program} (required), the program in the lowered form {@link HeaderProgram}
 * describes. Stateless and thread-safe; each {@link #create} compiles the program once for its flow.
 */
public final class FrameKind implements DeviceKind {
    public static final String NAME = "frame";
    public static final String PROGRAM = "program";

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("puts a header computed by a header program in front of every chunk (program)")
        .addFunctions("frame")
        .addFunctions("header-program")
        // Record numbers and offsets count the whole stream in order: one instance per flow.
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
    public FrameDevice create(DeviceParams params, FlowContext context) {
        return new FrameDevice(params.stage(), program(params));
    }

    static HeaderProgram program(DeviceParams params) {
        params.requireOnly(Set.of(PROGRAM));
        try {
            return HeaderProgram.compile(params.string(PROGRAM));
        } catch (IllegalArgumentException e) {
            throw params.bad(PROGRAM, "is not a header program: " + e.getMessage());
        }
    }
}
