package io.flowswitch.javadsl;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.accel.SharedAcceleratorKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The node's modelled accelerators, read from {@code flowswitch.accelerators}: each entry is a device kind
 * of its own whose instances flows share by weight ({@link SharedAcceleratorKind}):
 * <pre>
 * flowswitch.accelerators {
 *   aes-card { instances = 3, rate-bytes-per-second = 300MiB }
 * }
 * </pre>
 * Each kind joins the node's catalog, and its instance count and rate become the defaults of its pool entry
 * ({@code flowswitch.node.instances.<kind>} and {@code flowswitch.pool.<kind>}), which configuration may still
 * set. Every error is reported at once, each naming its key. Immutable.
 */
record AcceleratorSettings(List<SharedAcceleratorKind> kinds) {
    static final String ROOT = "flowswitch.accelerators";
    private static final Set<String> KEYS = Set.of("instances", "rate-bytes-per-second");

    static AcceleratorSettings from(Config root, DeviceCatalog catalog) {
        if (!root.hasPath(ROOT)) {
            return new AcceleratorSettings(List.of());
        }
        if (root.getValue(ROOT).valueType() != ConfigValueType.OBJECT) {
            throw new ConfigException.BadValue(root.getValue(ROOT).origin(), ROOT, "must be an object of accelerators,"
                + " such as " + ROOT + " { aes-card { instances = 3, rate-bytes-per-second = 300MiB } }");
        }
        final List<String> errors = new ArrayList<>();
        final List<SharedAcceleratorKind> kinds = new ArrayList<>();
        final Map<String, Object> entries = new TreeMap<>(root.getObject(ROOT).unwrapped());
        for (String name : entries.keySet()) {
            final String path = ROOT + "." + ConfigUtil.joinPath(name);
            if (catalog.find(name).isPresent()) {
                errors.add(path + ": '" + name + "' is a built-in device kind; name the accelerator differently");
                continue;
            }
            if (root.getValue(path).valueType() != ConfigValueType.OBJECT) {
                errors.add(path + " must be an object such as { instances = 3, rate-bytes-per-second = 300MiB }");
                continue;
            }
            final Config entry = ((ConfigObject) root.getValue(path)).toConfig();
            for (String key : entry.root().keySet()) {
                if (!KEYS.contains(key)) {
                    errors.add(path + "." + key + " is not a setting of an accelerator (instances,"
                        + " rate-bytes-per-second)");
                }
            }
            final long instances = read(errors, path + ".instances", "a whole number between 1 and 1024",
                () -> entry.getInt("instances"));
            final long rate = read(errors, path + ".rate-bytes-per-second", "a size in bytes >= 1KiB, such as 300MiB",
                () -> entry.getBytes("rate-bytes-per-second"));
            if (instances > 0 && rate > 0) {
                try {
                    kinds.add(new SharedAcceleratorKind(name, (int) Math.min(Integer.MAX_VALUE, instances), rate));
                } catch (IllegalArgumentException e) {
                    errors.add(path + ": " + e.getMessage());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException.BadValue(root.getValue(ROOT).origin(), ROOT, String.join("; ", errors));
        }
        return new AcceleratorSettings(List.copyOf(kinds));
    }

    private interface Reader<T> {
        T read();
    }

    private static <T extends Number> long read(List<String> errors, String path, String expected, Reader<T> reader) {
        try {
            final long value = reader.read().longValue();
            if (value <= 0) {
                errors.add(path + " must be " + expected + ", got " + value);
                return -1;
            }
            return value;
        } catch (ConfigException.Missing e) {
            errors.add(path + " is missing: it must be " + expected);
        } catch (ConfigException e) {
            errors.add(path + " must be " + expected);
        }
        return -1;
    }

    /**
     * Checks that the pool leases no more instances of an accelerator than it models.
     *
     * @throws ConfigException.BadValue naming {@code flowswitch.pool.<kind>.instances}
     */
    void check(io.flowswitch.scheduler.DevicePool pool) {
        for (SharedAcceleratorKind kind : kinds) {
            final int leased = pool.find(kind.name()).map(io.flowswitch.scheduler.DeviceCapacity::instances).orElse(0);
            if (leased > kind.instances().size()) {
                throw new ConfigException.BadValue("flowswitch.pool." + ConfigUtil.joinPath(kind.name()) + ".instances",
                    "the pool leases " + leased + " instances of accelerator '" + kind.name() + "' but "
                        + ROOT + " models " + kind.instances().size());
            }
        }
    }

    /** {@code catalog} with the accelerators added. */
    DeviceCatalog catalog(DeviceCatalog catalog) {
        if (kinds.isEmpty()) {
            return catalog;
        }
        final List<DeviceKind> all = new ArrayList<>(catalog.kinds());
        all.addAll(kinds);
        return new DeviceCatalog(all);
    }

    /** {@code config} with each accelerator's instances and rate under it, as defaults configuration may override. */
    Config config(Config config) {
        if (kinds.isEmpty()) {
            return config;
        }
        final Map<String, Object> defaults = new HashMap<>();
        for (SharedAcceleratorKind kind : kinds) {
            final String name = ConfigUtil.joinPath(kind.name());
            defaults.put("flowswitch.node.instances." + name, kind.instances().size());
            defaults.put("flowswitch.pool." + name + ".instances", kind.instances().size());
            defaults.put("flowswitch.pool." + name + ".rate-bytes-per-second", kind.rateBytesPerSecond());
        }
        return config.withFallback(ConfigFactory.parseMap(defaults, "flowswitch.accelerators"));
    }
}
