package io.flowswitch.javadsl;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * The node's settings, read once from {@code flowswitch.node} and validated with messages that name the
 * key. Immutable.
 */
record NodeSettings(Map<String, Integer> instancesPerKind, int maxLeasesPerInstance, int portCapacityChunks) {
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
        return new NodeSettings(Map.copyOf(instances), positive(config, "max-leases-per-instance", 1_000_000),
            positive(config, "port-capacity-chunks", FlowSpec.MAX_PORT_CAPACITY_CHUNKS));
    }

    private static int positive(Config config, String path, int max) {
        final int value = config.getInt(path);
        if (value < 1 || value > max) {
            throw new ConfigException.BadValue(config.origin(), path, "must be between 1 and " + max + ", got " + value);
        }
        return value;
    }
}
