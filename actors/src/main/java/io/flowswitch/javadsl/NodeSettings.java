package io.flowswitch.javadsl;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValueType;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.SelfBenchmark;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.scheduler.DeviceCapacity;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.Grants;
import io.flowswitch.scheduler.PoolDefaults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The node's settings, read once from {@code flowswitch.node}, {@code flowswitch.pool} and {@code
 * flowswitch.grants}, and validated with messages that name the key. Immutable.
 *
 * <p>The device pool is every catalog kind with the node's instance count ({@code flowswitch.node.instances},
 * else {@code default-instances}), its measured rate (else {@link PoolDefaults#STANDARD}'s) and the node's
 * {@code max-leases-per-instance}, overlaid with {@code flowswitch.pool}; the node starts one device actor
 * per instance of the pool. Without {@code flowswitch.grants} every principal may lease everything.
 *
 * <p>With {@code self-benchmark = on} the node measures its CPU-bound transforms at start ({@link
 * io.flowswitch.devices.SelfBenchmark}, at most {@code self-benchmark-max-bytes} and about {@code
 * self-benchmark-max-time} per kind); with {@code self-benchmark-sets-capacity = on} a measured rate
 * replaces the default in the pool unless {@code flowswitch.pool.<kind>.rate-bytes-per-second} sets it ({@link #configuredRateKinds}: configuration wins).
 * Flows then refine each rate as a moving average ({@code measured-rate-half-life}) of their stages'
 * samples of at least {@code measured-rate-min-sample-bytes}.
 */
record NodeSettings(int portCapacityChunks, DevicePool pool, Grants grants, boolean selfBenchmark,
    boolean selfBenchmarkSetsCapacity,
    long selfBenchmarkMaxBytes, long selfBenchmarkMaxTimeNs, Set<String> configuredRateKinds,
    long measuredRateHalfLifeNs, long measuredRateMinSampleBytes) {
    static NodeSettings from(Config root, DeviceCatalog catalog) {
        final Config config = root.getConfig("flowswitch.node");
        final int defaultInstances = positive(config, "default-instances", 1024);
        final Map<String, Integer> instances = new HashMap<>();
        final Config perKind = config.getConfig("instances");
        for (String kind : perKind.root().keySet()) {
            if (catalog.find(kind).isEmpty()) {
                throw new ConfigException.BadValue("flowswitch.node.instances." + kind,
                    "no device kind named '" + kind + "'");
            }
        }
        catalog.kinds().forEach(kind -> instances.put(kind.name(),
            perKind.hasPath(kind.name()) ? positive(perKind, kind.name(), 1024) : defaultInstances));
        final int maxLeases = positive(config, "max-leases-per-instance", 1_000_000);

        final List<DeviceCapacity> base = new ArrayList<>();
        for (DeviceCapacity capacity : DevicePool.fromCatalog(catalog, PoolDefaults.STANDARD).kinds()) {
            base.add(new DeviceCapacity(capacity.kind(), instances.get(capacity.kind()),
                capacity.rateBytesPerSecond(), capacity.stateful(), maxLeases));
        }
        final DevicePool pool = DevicePool.fromConfig(root, DevicePool.of(base));
        final Grants grants = root.hasPath(Grants.ROOT) ? Grants.fromConfig(root) : Grants.unrestricted();
        return new NodeSettings(positive(config, "port-capacity-chunks", FlowSpec.MAX_PORT_CAPACITY_CHUNKS), pool,
            grants, config.getBoolean("self-benchmark"), config.getBoolean("self-benchmark-sets-capacity"),
            bytes(config, "self-benchmark-max-bytes", SelfBenchmark.CHUNK_BYTES),
            nanos(config, "self-benchmark-max-time"), configuredRateKinds(root),
            nanos(config, "measured-rate-half-life"), bytes(config, "measured-rate-min-sample-bytes", 0));
    }

    /**
     * The pool with {@code measured} rates for the kinds whose rate configuration does not set, when
     * {@code self-benchmark-sets-capacity} is on; else the configured pool.
     */
    DevicePool poolWith(Map<String, Double> measured) {
        if (!selfBenchmarkSetsCapacity) {
            return pool;
        }
        DevicePool measuredPool = pool;
        for (Map.Entry<String, Double> rate : measured.entrySet()) {
            if (!configuredRateKinds.contains(rate.getKey()) && pool.find(rate.getKey()).isPresent()
                && rate.getValue() >= 1) {
                measuredPool = measuredPool.withRate(rate.getKey(), Math.round(rate.getValue()));
            }
        }
        return measuredPool;
    }

    /** Kinds whose {@code rate-bytes-per-second} is set under {@code flowswitch.pool}. */
    private static Set<String> configuredRateKinds(Config root) {
        final Set<String> kinds = new TreeSet<>();
        if (root.hasPath(DevicePool.ROOT) && root.getValue(DevicePool.ROOT).valueType() == ConfigValueType.OBJECT) {
            root.getObject(DevicePool.ROOT).forEach((kind, value) -> {
                if (value instanceof ConfigObject entry && entry.containsKey(DevicePool.RATE_BYTES_PER_SECOND)) {
                    kinds.add(kind);
                }
            });
        }
        return Set.copyOf(kinds);
    }

    private static long bytes(Config config, String path, long min) {
        final long value;
        try {
            value = config.getBytes(path);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw new ConfigException.BadValue(config.origin(), path, "must be a size in bytes, such as 32MiB");
        }
        if (value < min) {
            throw new ConfigException.BadValue(config.origin(), path, "must be at least " + min + " bytes, got " + value);
        }
        return value;
    }

    private static long nanos(Config config, String path) {
        final long value;
        try {
            value = config.getDuration(path, TimeUnit.NANOSECONDS);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw new ConfigException.BadValue(config.origin(), path, "must be a duration, such as 200ms");
        }
        if (value <= 0) {
            throw new ConfigException.BadValue(config.origin(), path, "must be a duration > 0, got " + value + " ns");
        }
        return value;
    }

    private static int positive(Config config, String path, int max) {
        final int value = config.getInt(path);
        if (value < 1 || value > max) {
            throw new ConfigException.BadValue(config.origin(), path, "must be between 1 and " + max + ", got " + value);
        }
        return value;
    }
}
