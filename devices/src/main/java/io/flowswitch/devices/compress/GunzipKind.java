package io.flowswitch.devices.compress;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code gunzip} device kind: decompresses a gzip stream (RFC 1952) as {@code gzip -d} does: any
 * header flags, several concatenated members, zero padding after the last one; every member's CRC-32
 * and length are checked.
 *
 * <p>No parameters. Stateless and thread-safe; each {@link #create} makes a {@link GunzipDevice}, which
 * owns each input chunk until it has parsed or inflated all of it and hands out output chunks that the
 * caller then owns.
 */
public final class GunzipKind implements DeviceKind {
    /** The kind's name in flow specs, FML and the CLI. */
    public static final String NAME = "gunzip";

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("gzip decompressor: concatenated members, header flags, CRC-32 and length checked")
        .addFunctions("decompress")
        .addFunctions("gzip")
        // The inflate window and the member being checked span chunks: pinned to one instance per flow.
        .setStateful(true)
        // Every input byte is compressed data; a range cannot be left as it was.
        .setPassThrough(false)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        params.requireOnly(Set.of());
    }

    @Override
    public GunzipDevice create(DeviceParams params, FlowContext context) {
        validate(params, context);
        return new GunzipDevice(params.stage(), context.flowId());
    }
}
