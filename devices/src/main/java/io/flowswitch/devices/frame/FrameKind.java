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
 * lowers to it). Each chunk leaves as one record (the header the program computes, then the payload), or
 * as several when the record would be longer than the MTU.
 *
 * <p>Parameters: {@code program} (required), the program in the lowered form {@link HeaderProgram}
 * describes; {@code mtu} (bytes, optional, default 0: no limit), the longest record, header included.
 * Stateless and thread-safe; each {@link #create} compiles the program once for its flow.
 */
public final class FrameKind implements DeviceKind {
    public static final String NAME = "frame";
    public static final String PROGRAM = "program";
    public static final String MTU = "mtu";
    /** The largest MTU a framer takes: far above any path's, small enough to count in an int. */
    public static final int MAX_MTU_BYTES = 1 << 30;

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("puts a header computed by a header program in front of every record, records no longer"
            + " than mtu bytes (program, mtu)")
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
        mtuBytes(params, program(params));
    }

    @Override
    public FrameDevice create(DeviceParams params, FlowContext context) {
        final HeaderProgram program = program(params);
        return new FrameDevice(params.stage(), program, mtuBytes(params, program));
    }

    /** The {@code mtu} parameter: 0 (no limit), or room for the header and at least one payload byte. */
    static int mtuBytes(DeviceParams params, HeaderProgram program) {
        final int mtu = params.intValue(MTU, 0, 0, MAX_MTU_BYTES);
        if (mtu != 0 && mtu <= program.headerBytes()) {
            throw params.bad(MTU, "must leave room for payload after the " + program.headerBytes() + "-byte header"
                + " (at least " + (program.headerBytes() + 1) + "), or be 0 for no limit; got " + mtu);
        }
        return mtu;
    }

    private static HeaderProgram program(DeviceParams params) {
        return program(params, Set.of(PROGRAM, MTU));
    }

    static HeaderProgram program(DeviceParams params, Set<String> known) {
        params.requireOnly(known);
        try {
            return HeaderProgram.compile(params.string(PROGRAM));
        } catch (IllegalArgumentException e) {
            throw params.bad(PROGRAM, "is not a header program: " + e.getMessage());
        }
    }
}
