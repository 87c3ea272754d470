package io.flowswitch.javadsl;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.flow.FlowSpec;

/**
 * How many connected Aeron IPC streams a node keeps between flows, read once from
 * {@code flowswitch.node.aeron-stream-pool} and validated with messages that name the key. Immutable.
 *
 * @param maxIdleStreams idle streams kept at most; 0 opens and closes a stream per Aeron edge of every flow
 * @param maxIdleLogBytes log bytes (three terms a stream) of the idle streams, at most
 * @param prewarmStreams streams opened in the background right after start and kept idle, for the first flows
 * @param driverQuietParkNs the longest park of the node's driver thread while no flow holds a stream
 */
record StreamPoolSettings(int maxIdleStreams, long maxIdleLogBytes, int prewarmStreams, long driverQuietParkNs) {
    static final String ROOT = "flowswitch.node.aeron-stream-pool";
    /** Streams a node opens in the background at start: the four Aeron edges of one five-stage flow. */
    static final int DEFAULT_PREWARM_STREAMS = 4;
    /** A driver that sleeps longer would let its client's keep-alives and the driver's own timers slip. */
    static final long MAX_QUIET_PARK_NS = 1_000_000_000L;

    static final StreamPoolSettings DEFAULTS = new StreamPoolSettings(
        MediaDriverNode.Context.DEFAULT_MAX_IDLE_IPC_STREAMS, MediaDriverNode.Context.DEFAULT_MAX_IDLE_IPC_LOG_BYTES,
        DEFAULT_PREWARM_STREAMS, MediaDriverNode.Context.DEFAULT_QUIET_PARK_NS);

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
        final int prewarm;
        try {
            prewarm = config.hasPath("prewarm-streams") ? config.getInt("prewarm-streams") : DEFAULT_PREWARM_STREAMS;
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad("prewarm-streams", "must be a whole number >= 0, such as 4");
        }
        if (prewarm < 0) {
            throw bad("prewarm-streams", "must be >= 0, such as 4, got " + prewarm);
        }
        final long quietParkNs;
        try {
            quietParkNs = config.hasPath("driver-quiet-park") ? config.getDuration("driver-quiet-park").toNanos()
                : MediaDriverNode.Context.DEFAULT_QUIET_PARK_NS;
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad("driver-quiet-park", "must be a duration, such as 1ms");
        }
        if (quietParkNs < MediaDriverNode.Context.DEFAULT_MAX_PARK_NS || quietParkNs > MAX_QUIET_PARK_NS) {
            throw bad("driver-quiet-park", "must be between 100us and 1s, got " + config.getString("driver-quiet-park"));
        }
        // More than the pool keeps would be opened only to be closed: max-idle-streams = 0 (no pool) pre-warms none.
        return new StreamPoolSettings(streams, bytes, Math.min(prewarm, streams), quietParkNs);
    }

    /** A driver context with these bounds, pre-warming streams shaped for the default Aeron port (32 chunks of 64 KiB). */
    MediaDriverNode.Context driverContext() {
        return new MediaDriverNode.Context().maxIdleIpcStreams(maxIdleStreams).maxIdleIpcLogBytes(maxIdleLogBytes)
            .quietParkNs(driverQuietParkNs)
            .prewarmIpcStreams(prewarmStreams).prewarmShape(FlowSpec.DEFAULT_AERON_PORT_CAPACITY_CHUNKS,
                FlowContext.DEFAULT_CHUNK_BYTES + Chunk.HEADROOM + Chunk.TAILROOM);
    }

    private static ConfigException bad(String key, String message) {
        return new ConfigException.BadValue(ROOT + "." + key, message);
    }
}
