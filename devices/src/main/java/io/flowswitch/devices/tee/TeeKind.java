package io.flowswitch.devices.tee;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code tee} device kind: passes every chunk on unchanged and writes a copy of its payload to a
 * branch sink on the way (FML {@code tee KIND(...)} lowers to it).
 *
 * <p>Parameters: {@code to} (required), the branch's sink kind; every parameter named {@code to.NAME} is
 * the branch's parameter {@code NAME}. E.g. {@code to = file-sink, to.path = copy.bin}.
 *
 * <p>Stateless and thread-safe; each {@link #create} makes a {@link TeeDevice} with its own branch.
 */
public final class TeeKind implements DeviceKind {
    public static final String NAME = "tee";
    /** The parameter that names the branch's sink kind. */
    public static final String TO = "to";
    /** Prefix of the branch's own parameters. */
    public static final String BRANCH_PREFIX = "to.";

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("passes the stream on unchanged and copies it to a branch sink"
            + " (to = SINK-KIND, to.PARAM = value ...)")
        .addFunctions("tee")
        // The branch sees the whole stream in order: one instance per flow.
        .setStateful(true)
        // Not a byte of the main stream changes.
        .setPassThrough(true)
        .build();

    private final Map<String, DeviceKind> sinks = new LinkedHashMap<>();

    /** @param sinks the sink kinds a tee may branch to */
    public TeeKind(List<DeviceKind> sinks) {
        for (DeviceKind sink : sinks) {
            if (sink.role() != DeviceRole.SINK) {
                throw new IllegalArgumentException("a tee branches to sinks, and '" + sink.name() + "' is a "
                    + sink.role());
            }
            this.sinks.put(sink.name(), sink);
        }
    }

    /** The branch may write a file or a socket: its stage runs where blocking is allowed. */
    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        final DeviceKind sink = branchKind(params);
        sink.validate(branchParams(params), context);
    }

    @Override
    public TeeDevice create(DeviceParams params, FlowContext context) {
        final DeviceKind sink = branchKind(params);
        return new TeeDevice((SinkDevice) sink.create(branchParams(params), context));
    }

    private DeviceKind branchKind(DeviceParams params) {
        for (String name : new TreeMap<>(params.asMap()).keySet()) {
            if (!name.equals(TO) && !name.startsWith(BRANCH_PREFIX)) {
                throw params.bad(name, "is not a parameter of a tee; known: to, and to.NAME for the branch's own");
            }
        }
        final String kind = params.string(TO);
        final DeviceKind sink = sinks.get(kind);
        if (sink == null) {
            throw new DeviceException("BAD_PARAMETER", params.stage() + ": parameter 'to' names '" + kind
                + "', which is not a sink a tee can branch to; known: " + String.join(", ", sinks.keySet()));
        }
        return sink;
    }

    private static DeviceParams branchParams(DeviceParams params) {
        final Map<String, String> branch = new TreeMap<>();
        params.asMap().forEach((name, value) -> {
            if (name.startsWith(BRANCH_PREFIX)) {
                branch.put(name.substring(BRANCH_PREFIX.length()), value);
            }
        });
        return new DeviceParams(params.stage() + " tee to " + params.string(TO), branch);
    }
}
