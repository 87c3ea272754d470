package io.flowswitch.javadsl;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.flowswitch.devices.driver.MediaDriverNode;

/**
 * How many connected Aeron IPC streams a node keeps between flows, read once from
 * {@code flowswitch.node.aeron-stream-pool} and validated with messages that name the key. Immutable.
 *
 * @param maxIdleStreams idle streams kept at most; 0 opens and closes a stream per Aeron edge of every flow
 * @param maxIdleLogBytes log bytes (three terms a stream) of the idle streams, at most
 */
record StreamPoolSettings(int maxIdleStreams, long maxIdleLogBytes) {
    static final String ROOT = "flowswitch.node.aeron-stream-pool";

    static final StreamPoolSettings DEFAULTS = new StreamPoolSettings(
        MediaDriverNode.Context.DEFAULT_MAX_IDLE_IPC_STREAMS, MediaDriverNode.Context.DEFAULT_MAX_IDLE_IPC_LOG_BYTES);

    static StreamPoolSettings from(Config root) {
        if (!root.hasPath(ROOT)) {
            return DEFAULTS;
        }
        final Config config = root.getConfig(ROOT);
        final int streams;
        try {
            streams = config.getInt("max-idle-streams");
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad("max-idle-streams", "must be a whole number between 0 and "
                + MediaDriverNode.Context.MAX_IDLE_IPC_STREAMS_LIMIT);
        }
        if (streams < 0 || streams > MediaDriverNode.Context.MAX_IDLE_IPC_STREAMS_LIMIT) {
            throw bad("max-idle-streams", "must be between 0 and " + MediaDriverNode.Context.MAX_IDLE_IPC_STREAMS_LIMIT
                + ", got " + streams);
        }
        final long bytes;
        try {
            bytes = config.getBytes("max-idle-log-bytes");
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad("max-idle-log-bytes", "must be a size in bytes >= 0, such as 256MiB");
        }
        if (bytes < 0) {
            throw bad("max-idle-log-bytes", "must be a size in bytes >= 0, such as 256MiB, got " + bytes);
        }
        return new StreamPoolSettings(streams, bytes);
    }

    /** A driver context with these bounds. */
    MediaDriverNode.Context driverContext() {
        return new MediaDriverNode.Context().maxIdleIpcStreams(maxIdleStreams).maxIdleIpcLogBytes(maxIdleLogBytes);
    }

    private static ConfigException bad(String key, String message) {
        return new ConfigException.BadValue(ROOT + "." + key, message);
    }
}
