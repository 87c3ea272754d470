package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantsTest {
    @Test
    void readsTheSameShapeTheVerifierReads() {
        final Grants grants = Grants.fromConfig(ConfigFactory.parseString("""
            flowswitch.grants.web { devices = [file-source, aes-card], max-instances = 8, max-rate-bytes-per-second = 1GiB }
            flowswitch.grants.root { devices = ["*"], max-instances = 64, max-rate-bytes-per-second = 1024GiB }
            """));
        final Grant web = grants.find("web").orElseThrow();
        assertEquals(Set.of("file-source", "aes-card"), web.devices());
        assertEquals(8, web.maxInstances());
        assertEquals(1L << 30, web.maxRateBytesPerSecond());
        assertTrue(web.grants("aes-card"));
        assertTrue(grants.find("root").orElseThrow().grants("anything"));
        assertTrue(grants.find("nobody").isEmpty());
        assertEquals("flowswitch.grants.web", web.path());
    }

    @Test
    void badGrantsNameTheirKeys() {
        final SchedulerException e = assertThrows(SchedulerException.class, () -> Grants.fromConfig(
            ConfigFactory.parseString("""
                flowswitch.grants.web { devices = 3x, max-instances = 0 }
                """)));
        final String m = e.getMessage();
        assertEquals(SchedulerException.Code.BAD_CONFIG, e.code());
        assertTrue(m.contains("flowswitch.grants.web.devices must be a list of device kinds"), m);
        assertTrue(m.contains("flowswitch.grants.web.max-instances must be a whole number >= 1, got 0"), m);
        assertTrue(m.contains("flowswitch.grants.web.max-rate-bytes-per-second is missing"), m);
    }
}
