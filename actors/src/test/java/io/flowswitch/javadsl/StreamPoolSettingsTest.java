package io.flowswitch.javadsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** {@code flowswitch.node.aeron-stream-pool}: the reference defaults, and every bad value named by its key. */
class StreamPoolSettingsTest {

    private static Config with(String text) {
        return ConfigFactory.parseString(text).withFallback(ConfigFactory.load());
    }

    @Test
    void referenceDefaultsMatchTheDriverDefaults() {
        assertEquals(StreamPoolSettings.DEFAULTS, StreamPoolSettings.from(ConfigFactory.load()));
        assertEquals(new StreamPoolSettings(16, 256L << 20, 4, 1_000_000), StreamPoolSettings.DEFAULTS);
        assertEquals(new StreamPoolSettings(0, 64L << 20, 0, 1_000_000), StreamPoolSettings.from(
            with("flowswitch.node.aeron-stream-pool { max-idle-streams = 0, max-idle-log-bytes = 64MiB }")),
            "no pool: nothing pre-warmed, without having to say so");
        assertEquals(new StreamPoolSettings(8, 256L << 20, 8, 1_000_000), StreamPoolSettings.from(
            with("flowswitch.node.aeron-stream-pool { max-idle-streams = 8, prewarm-streams = 12 }")),
            "no more pre-warmed than the pool keeps");
        assertEquals(2, StreamPoolSettings.from(with("flowswitch.node.aeron-stream-pool.prewarm-streams = 2"))
            .driverContext().prewarmIpcStreams());
        assertEquals(100_000, StreamPoolSettings.from(with("flowswitch.node.aeron-stream-pool.driver-quiet-park = 100us"))
            .driverContext().quietParkNs(), "100us: the driver parks as briefly with no stream leased as with one");
    }

    @Test
    void badValuesNameTheirKey() {
        for (String bad : new String[] {"max-idle-streams = -1", "max-idle-streams = 5000",
            "max-idle-streams = lots", "max-idle-log-bytes = -1", "max-idle-log-bytes = huge",
            "prewarm-streams = -1", "prewarm-streams = some", "driver-quiet-park = 10us",
            "driver-quiet-park = 2s", "driver-quiet-park = soon"}) {
            final ConfigException e = assertThrows(ConfigException.class,
                () -> StreamPoolSettings.from(with("flowswitch.node.aeron-stream-pool." + bad)), bad);
            final String key = bad.substring(0, bad.indexOf(' '));
            assertTrue(e.getMessage().contains("flowswitch.node.aeron-stream-pool." + key), e.getMessage());
        }
    }
}
