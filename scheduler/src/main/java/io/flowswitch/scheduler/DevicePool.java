package io.flowswitch.scheduler;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The device kinds a scheduler plans over, each with its instance count and per-instance capacity.
 * Built from configuration ({@code flowswitch.pool}), from a {@link DeviceCatalog} with defaults, or both
 * (configuration over catalog):
 * <pre>
 * flowswitch.pool {
 *   aes-card { instances = 3, rate-bytes-per-second = 300MiB, stateful = false }
 *   gzip     { instances = 2, rate-bytes-per-second = 80MiB, stateful = true }
 * }
 * </pre>
 * Keys of a kind: {@code instances} (whole number &gt;= 0), {@code rate-bytes-per-second} (a size, &gt;= 0),
 * {@code stateful} (boolean, default false or the catalog's), {@code max-leases-per-instance} (&gt;= 1,
 * default 64). A kind that is not in the base pool needs {@code instances} and {@code
 * rate-bytes-per-second}. Every error in the configuration is reported at once, each naming its key.
 *
 * <p>Immutable and thread-safe; {@link #withRate} returns a new pool.
 */
public final class DevicePool {
    /** Where the pool lives in the configuration. */
    public static final String ROOT = "flowswitch.pool";
    public static final String INSTANCES = "instances";
    public static final String RATE_BYTES_PER_SECOND = "rate-bytes-per-second";
    public static final String STATEFUL = "stateful";
    public static final String MAX_LEASES_PER_INSTANCE = "max-leases-per-instance";
    private static final Set<String> KEYS = Set.of(INSTANCES, RATE_BYTES_PER_SECOND, STATEFUL,
        MAX_LEASES_PER_INSTANCE);

    private final Map<String, DeviceCapacity> kinds;

    private DevicePool(Map<String, DeviceCapacity> kinds) {
        this.kinds = Collections.unmodifiableMap(new TreeMap<>(kinds));
    }

    /** A pool of exactly these kinds. */
    public static DevicePool of(Collection<DeviceCapacity> capacities) {
        final Map<String, DeviceCapacity> byKind = new TreeMap<>();
        for (DeviceCapacity capacity : capacities) {
            if (byKind.put(capacity.kind(), capacity) != null) {
                throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                    "two capacities for device kind '" + capacity.kind() + "'");
            }
        }
        return new DevicePool(byKind);
    }

    public static DevicePool of(DeviceCapacity... capacities) {
        return of(List.of(capacities));
    }

    public static DevicePool empty() {
        return new DevicePool(Map.of());
    }

    /**
     * One entry per catalog kind: instances from its capabilities (else the default), rate as measured
     * (else the default), stateful as the kind says.
     */
    public static DevicePool fromCatalog(DeviceCatalog catalog, PoolDefaults defaults) {
        final Map<String, DeviceCapacity> byKind = new TreeMap<>();
        for (DeviceKind kind : catalog.kinds()) {
            final DeviceCapabilities capabilities = kind.capabilities();
            final int instances = capabilities.getInstances() > 0 ? capabilities.getInstances() : defaults.instances();
            final double measured = capabilities.getMeasuredBytesPerSecond();
            final long rate = measured > 0 ? Math.round(measured) : defaults.rateBytesPerSecond();
            byKind.put(kind.name(), new DeviceCapacity(kind.name(), instances, rate, capabilities.getStateful(),
                defaults.maxLeasesPerInstance()));
        }
        return new DevicePool(byKind);
    }

    /** The kinds configured under {@code flowswitch.pool}; none when the path is absent. */
    public static DevicePool fromConfig(Config config) {
        return fromConfig(config, empty());
    }

    /**
     * {@code base} with the kinds configured under {@code flowswitch.pool} added or overridden; a key a
     * configured kind leaves out keeps the base's value.
     *
     * @throws SchedulerException {@code BAD_CONFIG}, naming every key at fault
     */
    public static DevicePool fromConfig(Config config, DevicePool base) {
        if (!config.hasPath(ROOT)) {
            return base;
        }
        final ConfigObject root;
        try {
            root = config.getObject(ROOT);
        } catch (ConfigException.WrongType e) {
            throw new SchedulerException(SchedulerException.Code.BAD_CONFIG,
                ROOT + " must be an object of device kinds, such as " + ROOT + " { aes-card { instances = 3, "
                    + RATE_BYTES_PER_SECOND + " = 300MiB } }");
        }
        final Map<String, DeviceCapacity> byKind = new TreeMap<>(base.kinds);
        final List<String> errors = new ArrayList<>();
        for (String kind : new TreeMap<>(root).keySet()) {
            final String path = ROOT + "." + ConfigUtil.joinPath(kind);
            final ConfigValue value = root.get(kind);
            if (value.valueType() != ConfigValueType.OBJECT) {
                errors.add(path + " must be an object such as { " + INSTANCES + " = 3, " + RATE_BYTES_PER_SECOND
                    + " = 300MiB }");
                continue;
            }
            final DeviceCapacity entry = readKind(kind, path, ((ConfigObject) value).toConfig(), base.kinds.get(kind),
                errors);
            if (entry != null) {
                byKind.put(kind, entry);
            }
        }
        if (!errors.isEmpty()) {
            throw new SchedulerException(SchedulerException.Code.BAD_CONFIG,
                "invalid device pool: " + String.join("; ", errors));
        }
        return new DevicePool(byKind);
    }

    private static DeviceCapacity readKind(String kind, String path, Config entry, DeviceCapacity base,
        List<String> errors) {
        final int before = errors.size();
        for (String key : new TreeMap<>(entry.root()).keySet()) {
            if (!KEYS.contains(key)) {
                errors.add(path + "." + ConfigUtil.joinPath(key) + " is not a pool key; known keys: "
                    + String.join(", ", new TreeSet<>(KEYS)));
            }
        }
        final Long instances = number(entry, INSTANCES, path, base == null ? null : (long) base.instances(), 0,
            Integer.MAX_VALUE, false, errors);
        final Long rate = number(entry, RATE_BYTES_PER_SECOND, path, base == null ? null : base.rateBytesPerSecond(),
            0, Long.MAX_VALUE, true, errors);
        final Long maxLeases = number(entry, MAX_LEASES_PER_INSTANCE, path,
            base == null ? (long) DeviceCapacity.DEFAULT_MAX_LEASES_PER_INSTANCE : (long) base.maxLeasesPerInstance(),
            1, Integer.MAX_VALUE, false, errors);
        boolean stateful = base != null && base.stateful();
        if (entry.hasPath(STATEFUL)) {
            try {
                stateful = entry.getBoolean(STATEFUL);
            } catch (ConfigException e) {
                errors.add(path + "." + STATEFUL + " must be true or false");
            }
        }
        if (errors.size() > before || instances == null || rate == null || maxLeases == null) {
            return null;
        }
        return new DeviceCapacity(kind, instances.intValue(), rate, stateful, maxLeases.intValue());
    }

    /** The value at {@code key}, or {@code fallback}; null (with an error) when missing without fallback or bad. */
    private static Long number(Config entry, String key, String path, Long fallback, long min, long max,
        boolean size, List<String> errors) {
        if (!entry.hasPath(key)) {
            if (fallback == null) {
                errors.add(path + "." + key + " is missing");
            }
            return fallback;
        }
        final String expected = size ? "a size in bytes >= " + min + ", such as 300MiB" : "a whole number >= " + min;
        final long value;
        try {
            value = size ? entry.getBytes(key) : entry.getLong(key);
        } catch (ConfigException e) {
            errors.add(path + "." + key + " must be " + expected);
            return null;
        }
        if (value < min || value > max) {
            errors.add(path + "." + key + " must be " + expected + ", got " + value);
            return null;
        }
        return value;
    }

    /** The capacity of {@code kind}, if the pool has it. */
    public Optional<DeviceCapacity> find(String kind) {
        return Optional.ofNullable(kinds.get(kind));
    }

    /**
     * The capacity of {@code kind}.
     *
     * @throws SchedulerException {@code UNKNOWN_KIND}, listing the kinds the pool has
     */
    public DeviceCapacity require(String kind) {
        final DeviceCapacity capacity = kinds.get(kind);
        if (capacity == null) {
            throw new SchedulerException(SchedulerException.Code.UNKNOWN_KIND, unknownKind(kind));
        }
        return capacity;
    }

    /** "the device pool has no kind 'x'; known kinds: a, b". */
    public String unknownKind(String kind) {
        return "the device pool has no kind '" + kind + "'; known kinds: "
            + (kinds.isEmpty() ? "none" : String.join(", ", kinds.keySet()));
    }

    /** Every kind, by name. */
    public Collection<DeviceCapacity> kinds() {
        return kinds.values();
    }

    /** This pool with {@code kind}'s per-instance rate replaced, e.g. by a new measurement. */
    public DevicePool withRate(String kind, long rateBytesPerSecond) {
        final Map<String, DeviceCapacity> byKind = new TreeMap<>(kinds);
        byKind.put(kind, require(kind).withRate(rateBytesPerSecond));
        return new DevicePool(byKind);
    }

    /** This pool with the kinds of {@code other} added or replacing these. */
    public DevicePool with(DevicePool other) {
        final Map<String, DeviceCapacity> byKind = new TreeMap<>(kinds);
        byKind.putAll(other.kinds);
        return new DevicePool(byKind);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DevicePool pool && kinds.equals(pool.kinds);
    }

    @Override
    public int hashCode() {
        return kinds.hashCode();
    }

    @Override
    public String toString() {
        return "DevicePool" + kinds.values();
    }
}
