package io.flowswitch.devices.split;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code split} device kind: takes the first {@code header-bytes} bytes (the header part) off every
 * chunk and keeps them for the {@code join} of the same {@code pair} (FML {@code split} lowers to it).
 *
 * <p>Parameters: {@code header-bytes} (1 to 64, required): the size of the record header a framer put in
 * front of the data; {@code pair} (required): the name split and join share within the flow. Stateless
 * and thread-safe.
 */
public final class SplitKind implements DeviceKind {
    public static final String NAME = "split";
    public static final String HEADER_BYTES = "header-bytes";
    public static final String PAIR = "pair";
    static final Set<String> PARAMETERS = Set.of(HEADER_BYTES, PAIR);

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("takes the header part off each chunk for its join; the stages up to the join see the data"
            + " part (header-bytes, pair)")
        .addFunctions("split")
        .addFunctions("scatter-gather")
        // It and its join share one table of header parts: one instance per flow.
        .setStateful(true)
        .setPassThrough(false)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        headerBytes(params);
        params.string(PAIR);
    }

    @Override
    public SplitDevice create(DeviceParams params, FlowContext context) {
        return new SplitDevice(params.stage(), parts(params, context));
    }

    static int headerBytes(DeviceParams params) {
        params.requireOnly(PARAMETERS);
        if (!params.has(HEADER_BYTES)) {
            throw params.bad(HEADER_BYTES, "is required");
        }
        return params.intValue(HEADER_BYTES, 0, 1, 64);
    }

    /** The table this flow's split and join of {@code pair} share. */
    static HeaderParts parts(DeviceParams params, FlowContext context) {
        final int bytes = headerBytes(params);
        final HeaderParts parts = context.shared("split-join:" + params.string(PAIR), HeaderParts.class,
            () -> new HeaderParts(bytes));
        if (parts.partBytes() != bytes) {
            throw params.bad(HEADER_BYTES, "is " + bytes + " but the other end of pair '" + params.string(PAIR)
                + "' says " + parts.partBytes());
        }
        return parts;
    }
}
