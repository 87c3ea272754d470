package io.flowswitch.javadsl;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.scheduler.DeviceCapacity;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.Grants;
import io.flowswitch.scheduler.PoolDefaults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's settings, read once from {@code flowswitch.node}, {@code flowswitch.pool} and {@code
 * flowswitch.grants}, and validated with messages that name the key. Immutable.
 *
 * <p>The device pool is every catalog kind with the node's instance count ({@code flowswitch.node.instances},
 * else {@code default-instances}), its measured rate (else {@link PoolDefaults#STANDARD}'s) and the node's
 * {@code max-leases-per-instance}, overlaid with {@code flowswitch.pool}; the node starts one device actor
 * per instance of the pool. Without {@code flowswitch.grants} every principal may lease everything.
 */
record NodeSettings(int portCapacityChunks, DevicePool pool, Grants grants) {
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
            grants);
    }

    private static int positive(Config config, String path, int max) {
        final int value = config.getInt(path);
        if (value < 1 || value > max) {
            throw new ConfigException.BadValue(config.origin(), path, "must be between 1 and " + max + ", got " + value);
        }
        return value;
    }
}
