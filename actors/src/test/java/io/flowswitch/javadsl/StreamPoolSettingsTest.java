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
        assertEquals(new StreamPoolSettings(0, 64L << 20), StreamPoolSettings.from(
            with("flowswitch.node.aeron-stream-pool { max-idle-streams = 0, max-idle-log-bytes = 64MiB }")));
    }

    @Test
    void badValuesNameTheirKey() {
        for (String bad : new String[] {"max-idle-streams = -1", "max-idle-streams = 5000",
            "max-idle-streams = lots", "max-idle-log-bytes = -1", "max-idle-log-bytes = huge"}) {
            final ConfigException e = assertThrows(ConfigException.class,
                () -> StreamPoolSettings.from(with("flowswitch.node.aeron-stream-pool." + bad)), bad);
            final String key = bad.substring(0, bad.indexOf(' '));
            assertTrue(e.getMessage().contains("flowswitch.node.aeron-stream-pool." + key), e.getMessage());
        }
    }
}
