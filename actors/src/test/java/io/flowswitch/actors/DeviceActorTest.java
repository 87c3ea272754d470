package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.proto.Health;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DeviceActorTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final DeviceCatalog catalog = DeviceCatalog.builtIn();

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    private static DeviceKind kind(String name) {
        return catalog.find(name).orElseThrow();
    }

    private static DeviceActor.Description describe(ActorRef<DeviceActor.Command> device) {
        final TestProbe<DeviceActor.Description> probe = testKit.createTestProbe();
        device.tell(new DeviceActor.Describe(probe.getRef()));
        return probe.receiveMessage();
    }

    @Test
    void countsTheLeasesTheLedgerGrantedOnceEachUntilReleased() {
        final ActorRef<DeviceActor.Command> device = testKit.spawn(DeviceActor.create(kind("rate-limit"), 0, 2, 8));
        device.tell(new DeviceActor.Leased(1));
        device.tell(new DeviceActor.Leased(2));
        device.tell(new DeviceActor.Leased(1));
        final DeviceActor.Description both = describe(device);
        assertEquals(2, both.leases(), "news of the same lease twice counts once");
        assertEquals(2, both.maxLeases());

        device.tell(new DeviceActor.Release(1));
        device.tell(new DeviceActor.Release(1));
        assertEquals(1, describe(device).leases(), "a released lease is no longer counted, however often released");
    }

    @Test
    void statefulInstanceTakesOneFlowAtATime() {
        final ActorRef<DeviceActor.Command> device = testKit.spawn(DeviceActor.create(kind("gzip"), 0, 64, 8));
        assertEquals(1, describe(device).maxLeases(), "a compressor's state belongs to one flow");
        assertEquals(64, describe(testKit.spawn(DeviceActor.create(kind("rate-limit"), 1, 64, 8))).maxLeases());
    }

    @Test
    void aReportedFaultDegradesTheInstanceUntilReset() {
        final ActorRef<DeviceActor.Command> device = testKit.spawn(DeviceActor.create(kind("sha256"), 1, 64, 8));
        final TestProbe<DeviceActor.HealthReport> health = testKit.createTestProbe();
        device.tell(new DeviceActor.ReportFault(7, "tag mismatch"));
        device.tell(new DeviceActor.CheckHealth(health.getRef()));
        final DeviceActor.HealthReport report = health.receiveMessage();
        assertEquals(Health.DEGRADED, report.health());
        assertEquals("flow 7: tag mismatch", report.detail());
        assertEquals(Health.DEGRADED, describe(device).health());

        final TestProbe<Done> reset = testKit.createTestProbe();
        device.tell(new DeviceActor.Reset(reset.getRef()));
        reset.receiveMessage();
        assertEquals(Health.HEALTHY, describe(device).health());
    }

    @Test
    void aCrashStopsTheActorWhereOtherFailuresRestartItInPlace() {
        final ActorRef<DeviceActor.Command> device = testKit.spawn(DeviceActor.create(kind("gzip"), 0, 1, 8));
        final TestProbe<DeviceActor.Description> describe = testKit.createTestProbe();
        device.tell(new DeviceActor.Leased(4));
        device.tell(new DeviceActor.Describe(null)); // fails the actor with a NullPointerException
        device.tell(new DeviceActor.Describe(describe.getRef()));
        assertEquals(0, describe.receiveMessage().leases(), "restarted in place, with a clean slate");

        device.tell(new DeviceActor.Crash("injected"));
        describe.expectTerminated(device);
    }

    @Test
    void describesItselfAndIsFoundThroughTheReceptionist() {
        final ActorRef<DeviceActor.Command> device = testKit.spawn(DeviceActor.create(kind("crc32c"), 3, 64, 16));
        final TestProbe<DeviceActor.Description> probe = testKit.createTestProbe();
        device.tell(new DeviceActor.Describe(probe.getRef()));
        final DeviceActor.Description description = probe.receiveMessage();
        assertEquals("crc32c#3", description.instance());
        assertEquals("crc32c", description.capabilities().getKind());
        assertEquals(16, description.capabilities().getPortCapacityChunks());

        final TestProbe<Receptionist.Listing> listing = testKit.createTestProbe();
        // Registration is asynchronous: ask until the listing has it.
        listing.awaitAssert(() -> {
            testKit.system().receptionist().tell(Receptionist.find(DeviceActor.serviceKey("crc32c"), listing.getRef()));
            final Set<ActorRef<DeviceActor.Command>> found =
                listing.receiveMessage().getServiceInstances(DeviceActor.serviceKey("crc32c"));
            assertTrue(found.contains(device), "found by kind, not by a baked-in reference");
            return null;
        });
    }
}
