package io.flowswitch.devices.split;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;

/**
 * The {@code join} device kind: puts the header part its {@code split} kept back in front of each chunk
 * (FML {@code join} lowers to it). Parameters as {@link SplitKind}'s, with the same values. Stateless and
 * thread-safe.
 */
public final class JoinKind implements DeviceKind {
    public static final String NAME = "join";

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("puts the header part its split kept back in front of each chunk (header-bytes, pair)")
        .addFunctions("join")
        .addFunctions("scatter-gather")
        .setStateful(true)
        .setPassThrough(false)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        SplitKind.headerBytes(params);
        params.string(SplitKind.PAIR);
    }

    @Override
    public JoinDevice create(DeviceParams params, FlowContext context) {
        return new JoinDevice(params.stage(), SplitKind.parts(params, context));
    }
}
