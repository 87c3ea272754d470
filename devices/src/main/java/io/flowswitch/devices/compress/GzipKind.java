package io.flowswitch.devices.compress;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code gzip} device kind: compresses a flow into one standard gzip member (RFC 1952) that
 * {@code gzip -d} reads.
 *
 * <p>Parameter {@code level} (optional, 1 to 9, default 6): the deflate level, as {@code gzip -1 .. -9}.
 * Stateless and thread-safe; each {@link #create} makes a {@link GzipDevice}, which owns each input chunk
 * until the deflater has consumed it and hands out output chunks that the caller then owns.
 */
public final class GzipKind implements DeviceKind {
    /** The kind's name in flow specs, FML and the CLI. */
    public static final String NAME = "gzip";
    /** Optional parameter: deflate level 1 (fastest) to 9 (smallest). */
    public static final String LEVEL = "level";
    public static final int MIN_LEVEL = 1;
    public static final int MAX_LEVEL = 9;
    /** The level {@code gzip} itself uses when given none. */
    public static final int DEFAULT_LEVEL = 6;

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("gzip compressor: one RFC 1952 member, deflate level 1-9 (default 6)")
        .addFunctions("compress")
        .addFunctions("gzip")
        // The deflate window and the running CRC span the whole stream: pinned to one instance per flow.
        .setStateful(true)
        // Every payload byte is compressed; a range cannot be left as it was.
        .setPassThrough(false)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        level(params);
    }

    @Override
    public GzipDevice create(DeviceParams params, FlowContext context) {
        return new GzipDevice(params.stage(), level(params), context.flowId());
    }

    /** The {@code level} parameter; rejects it out of range and rejects unknown parameters. */
    private static int level(DeviceParams params) {
        params.requireOnly(Set.of(LEVEL));
        return params.intValue(LEVEL, DEFAULT_LEVEL, MIN_LEVEL, MAX_LEVEL);
    }
}
