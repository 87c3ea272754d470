package io.flowswitch.devices.pass;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code pass} device kind: a transform that can leave a range of each chunk untouched, told which
 * range (FML {@code via KIND(...) pass A..B} lowers to it). Each chunk reaches the device marked with the
 * range (see {@link io.flowswitch.devices.chunk.PassRange}); the mark is taken off again as the chunk
 * leaves, so later devices see the whole chunk.
 *
 * <p>Parameters: {@code device} (required), a transform kind with the pass-through capability;
 * {@code from} and {@code to} (required), the range of payload bytes, {@code from} inclusive, {@code to}
 * exclusive (cut to each chunk's length); every {@code device.NAME} is the device's parameter
 * {@code NAME}. Stateless and thread-safe.
 */
public final class PassKind implements DeviceKind {
    public static final String NAME = "pass";
    public static final String DEVICE = "device";
    public static final String DEVICE_PREFIX = "device.";
    public static final String FROM = "from";
    public static final String TO = "to";

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("runs a pass-through transform with a range of each chunk left untouched"
            + " (device = KIND, from, to, device.PARAM = value ...)")
        .addFunctions("pass-through")
        // As stateful as the device it runs; FML checks replicas against that device.
        .setStateful(false)
        .setPassThrough(true)
        .build();

    private final Map<String, DeviceKind> devices = new LinkedHashMap<>();

    /** @param devices the transform kinds with the pass-through capability */
    public PassKind(List<DeviceKind> devices) {
        for (DeviceKind kind : devices) {
            if (kind.role() != DeviceRole.TRANSFORM || !kind.capabilities().getPassThrough()) {
                throw new IllegalArgumentException("'" + kind.name() + "' is no transform with pass-through");
            }
            this.devices.put(kind.name(), kind);
        }
    }

    /** Some of the devices it runs block (a modelled accelerator waits): the stage runs where that is allowed. */
    @Override
    public boolean blocking() {
        return devices.values().stream().anyMatch(DeviceKind::blocking);
    }

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        final DeviceKind kind = kind(params);
        range(params, kind);
        kind.validate(inner(params), context);
    }

    @Override
    public PassDevice create(DeviceParams params, FlowContext context) {
        final DeviceKind kind = kind(params);
        final int[] range = range(params, kind);
        return new PassDevice((TransformDevice) kind.create(inner(params), context), range[0], range[1]);
    }

    private DeviceKind kind(DeviceParams params) {
        for (String name : new TreeMap<>(params.asMap()).keySet()) {
            if (!name.equals(DEVICE) && !name.equals(FROM) && !name.equals(TO) && !name.startsWith(DEVICE_PREFIX)) {
                throw params.bad(name, "is not a parameter of pass; known: device, from, to, and device.NAME for the"
                    + " device's own");
            }
        }
        final String name = params.string(DEVICE);
        final DeviceKind kind = devices.get(name);
        if (kind == null) {
            throw new DeviceException("BAD_PARAMETER", params.stage() + ": parameter 'device' names '" + name
                + "', which cannot leave a range untouched; kinds that can: " + String.join(", ", devices.keySet()));
        }
        return kind;
    }

    private static int[] range(DeviceParams params, DeviceKind kind) {
        for (String name : List.of(FROM, TO)) {
            if (!params.has(name)) {
                throw params.bad(name, "is required");
            }
        }
        final int from = params.intValue(FROM, 0, 0, FlowContext.MAX_CHUNK_BYTES);
        final int to = params.intValue(TO, 0, 0, FlowContext.MAX_CHUNK_BYTES);
        if (to <= from) {
            throw params.bad(TO, "must be greater than 'from' (" + from + "), got " + to);
        }
        final int prefixMax = kind.passThroughPrefixMaxBytes();
        if (prefixMax > 0 && from != 0) {
            throw params.bad(FROM, "must be 0: '" + kind.name() + "' leaves only the first bytes of a chunk"
                + " untouched, got " + from);
        }
        if (prefixMax > 0 && to > prefixMax) {
            throw params.bad(TO, "must be at most " + prefixMax + ": '" + kind.name() + "' leaves at most the first "
                + prefixMax + " bytes of a chunk untouched, got " + to);
        }
        return new int[] {from, to};
    }

    private static DeviceParams inner(DeviceParams params) {
        final Map<String, String> inner = new TreeMap<>();
        params.asMap().forEach((name, value) -> {
            if (name.startsWith(DEVICE_PREFIX)) {
                inner.put(name.substring(DEVICE_PREFIX.length()), value);
            }
        });
        return new DeviceParams(params.stage(), inner, params.replicas());
    }
}
