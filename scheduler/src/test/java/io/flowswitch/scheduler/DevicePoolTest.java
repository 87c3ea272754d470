package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import org.junit.jupiter.api.Test;

class DevicePoolTest {
    private static final long MIB = 1L << 20;

    private static Config hocon(String text) {
        return ConfigFactory.parseString(text);
    }

    @Test
    void readsKindsWithInstancesRateAndStatefulness() {
        final DevicePool pool = DevicePool.fromConfig(hocon("""
            flowswitch.pool {
              aes-card { instances = 3, rate-bytes-per-second = 300MiB, stateful = false }
              gzip { instances = 2, rate-bytes-per-second = 80MiB, stateful = true, max-leases-per-instance = 5 }
            }
            """));
        final DeviceCapacity card = pool.require("aes-card");
        assertEquals(3, card.instances());
        assertEquals(300 * MIB, card.rateBytesPerSecond());
        assertFalse(card.stateful());
        assertEquals(64, card.leasesPerInstance());
        assertEquals(900 * MIB, card.limitBytesPerSecond());
        final DeviceCapacity gzip = pool.require("gzip");
        assertTrue(gzip.stateful());
        assertEquals(1, gzip.leasesPerInstance(), "a stateful instance takes one flow whatever is configured");
    }

    @Test
    void absentPoolIsEmpty() {
        assertTrue(DevicePool.fromConfig(hocon("a = 1")).kinds().isEmpty());
    }

    @Test
    void everyBadKeyIsNamedInOneError() {
        final SchedulerException e = assertThrows(SchedulerException.class, () -> DevicePool.fromConfig(hocon("""
            flowswitch.pool {
              aes-card { instances = -1, rate-bytes-per-second = 300MiB }
              gzip { instances = 2, rate-bytes-per-second = fast, stateful = maybe }
              crc { instances = 1 }
              sha { instances = 1, rate-bytes-per-second = 1MiB, rate = 3 }
              lonely = 3
            }
            """)));
        assertEquals(SchedulerException.Code.BAD_CONFIG, e.code());
        final String m = e.getMessage();
        assertTrue(m.contains("flowswitch.pool.aes-card.instances must be a whole number >= 0, got -1"), m);
        assertTrue(m.contains("flowswitch.pool.gzip.rate-bytes-per-second must be a size in bytes"), m);
        assertTrue(m.contains("flowswitch.pool.gzip.stateful must be true or false"), m);
        assertTrue(m.contains("flowswitch.pool.crc.rate-bytes-per-second is missing"), m);
        assertTrue(m.contains("flowswitch.pool.sha.rate is not a pool key; known keys: instances, "
            + "max-leases-per-instance, rate-bytes-per-second, stateful"), m);
        assertTrue(m.contains("flowswitch.pool.lonely must be an object"), m);
        assertFalse(m.contains(".conf"), "no file locations in messages: " + m);
    }

    @Test
    void poolThatIsNotAnObjectIsRefused() {
        final SchedulerException e = assertThrows(SchedulerException.class,
            () -> DevicePool.fromConfig(hocon("flowswitch.pool = 3")));
        assertTrue(e.getMessage().startsWith("flowswitch.pool must be an object"), e.getMessage());
    }

    @Test
    void catalogGivesEveryKindWithDefaultsAndItsStatefulness() {
        final DevicePool pool = DevicePool.fromCatalog(DeviceCatalog.builtIn(), new PoolDefaults(2, 100 * MIB, 8));
        final DeviceCapacity gzip = pool.require("gzip");
        assertTrue(gzip.stateful());
        assertEquals(2, gzip.instances());
        assertEquals(100 * MIB, gzip.rateBytesPerSecond());
        assertFalse(pool.require("rate-limit").stateful());
        assertEquals(8, pool.require("rate-limit").leasesPerInstance());
        assertEquals(DeviceCatalog.builtIn().kinds().size(), pool.kinds().size());
    }

    @Test
    void configurationOverridesCatalogKeyByKeyAndAddsModels() {
        final DevicePool base = DevicePool.fromCatalog(DeviceCatalog.builtIn(), PoolDefaults.STANDARD);
        final DevicePool pool = DevicePool.fromConfig(hocon("""
            flowswitch.pool {
              gzip { instances = 6 }
              aes-card { instances = 3, rate-bytes-per-second = 300MiB }
            }
            """), base);
        assertEquals(6, pool.require("gzip").instances());
        assertTrue(pool.require("gzip").stateful(), "kept from the catalog");
        assertEquals(1L << 30, pool.require("gzip").rateBytesPerSecond(), "kept from the defaults");
        assertEquals(300 * MIB, pool.require("aes-card").rateBytesPerSecond());
    }

    @Test
    void zeroCapacityIsAllowed() {
        final DevicePool pool = DevicePool.fromConfig(hocon(
            "flowswitch.pool.off { instances = 0, rate-bytes-per-second = 0 }"));
        assertEquals(0, pool.require("off").limitBytesPerSecond());
    }

    @Test
    void unknownKindListsTheKnownOnes() {
        final DevicePool pool = DevicePool.of(new DeviceCapacity("a", 1, 1, false, 1),
            new DeviceCapacity("b", 1, 1, false, 1));
        final SchedulerException e = assertThrows(SchedulerException.class, () -> pool.require("c"));
        assertEquals(SchedulerException.Code.UNKNOWN_KIND, e.code());
        assertEquals("the device pool has no kind 'c'; known kinds: a, b", e.getMessage());
    }

    @Test
    void withRateReturnsANewPool() {
        final DevicePool pool = DevicePool.of(new DeviceCapacity("a", 2, 100, false, 1));
        final DevicePool faster = pool.withRate("a", 200);
        assertEquals(100, pool.require("a").rateBytesPerSecond());
        assertEquals(200, faster.require("a").rateBytesPerSecond());
        assertEquals(400, faster.require("a").limitBytesPerSecond());
    }

    @Test
    void limitSaturatesInsteadOfOverflowing() {
        assertEquals(Long.MAX_VALUE, new DeviceCapacity("a", 4, Long.MAX_VALUE / 2, false, 1).limitBytesPerSecond());
    }

    @Test
    void ratesReadForPeople() {
        assertEquals("450 MiB/s", Rates.format(450 * MIB));
        assertEquals("1.5 GiB/s", Rates.format(1536 * MIB));
        assertEquals("512 B/s", Rates.format(512));
        assertEquals("0 B/s", Rates.format(0));
    }
}
