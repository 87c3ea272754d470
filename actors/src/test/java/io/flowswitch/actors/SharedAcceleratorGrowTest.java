package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.accel.SharedAcceleratorKind;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.PoolDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow that grows onto shared accelerators paces each new replica at its flow's part of the instance it was
 * leased, never doubling up on an instance it already had; shrunk again, the instances it left are re-split
 * among the flows still on them.
 */
class SharedAcceleratorGrowTest {
    private static final long KIB = 1024;
    /** Four cards of 1 MiB/s each, shared by the flows leased on them. */
    private final SharedAcceleratorKind card = new SharedAcceleratorKind("card", 4, 1024 * KIB);
    private static final Config CONFIG = ConfigFactory.parseString("flowswitch.node.progress-interval = 0")
        .withFallback(ConfigFactory.load());
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ActorTestKit testKit;
    private ActorRef<FlowManager.Command> manager;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        testKit = ActorTestKit.create("shared-grow", CONFIG);
        final DeviceCatalog catalog = TestManagers.builtInWith(card);
        // The card's measured speed is what the test says (a 1 GiB sample outweighs any before it).
        manager = TestManagers.spawn(testKit, catalog, DevicePool.fromCatalog(catalog, PoolDefaults.STANDARD),
            TestManagers.sensedByLargeSamples("card"), null);
    }

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
    }

    private record Opened(long flowId, FlowManager.OpenFlow open, TestProbe<FlowEvent> events) {}

    private Opened open(long flowId, FlowSpec spec) {
        final TestProbe<FlowEvent> events = testKit.createTestProbe();
        final FlowManager.OpenFlow open = new FlowManager.OpenFlow(flowId, spec, new CompletableFuture<>(),
            new CompletableFuture<>(), null, events.getRef());
        manager.tell(open);
        events.expectMessageClass(FlowEvent.Admitted.class, WAIT);
        events.expectMessageClass(FlowEvent.Started.class, WAIT);
        return new Opened(flowId, open, events);
    }

    private void measure(long bytesPerSecond) {
        final long bytes = 1L << 30;
        manager.tell(new FlowManager.StagesMeasured(0, List.of(new FlowManager.RateSample("card", bytes,
            bytes * 1_000_000_000L / bytesPerSecond))));
    }

    private byte[] input(String name, int size, long seed) throws Exception {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Files.write(dir.resolve(name), bytes);
        return bytes;
    }

    private long share(int instance, long flowId) {
        return card.instances().get(instance).shareOf(flowId);
    }

    @Test
    void replicasUnparkedOntoNewInstancesPaceAtThoseInstancesPartsAndParkedOnesGiveThemBack() throws Exception {
        final byte[] growing = input("a.bin", 640 * 1024, 31);
        final byte[] other = input("b.bin", 640 * 1024, 32);
        // 900 KiB/s: one card carries it; the flow is compiled with all four, three parked.
        final Opened a = open(1, Flows.from(Devices.file(dir.resolve("a.bin"))).via(StageSpec.of("card").withAutoReplicas())
            .via(Devices.crc32c()).to(Devices.fileSink(dir.resolve("a.out"))).chunkBytes(16 * 1024)
            .rateBytesPerSecond(900 * KIB).build());
        assertEquals(List.of(900 * KIB, -1L, -1L, -1L), card.pacingBytesPerSecond(1), "its reservation, on card#0");
        // Flow 2 reserves nothing and lands on card#1, which it has alone.
        final Opened b = open(2, Flows.from(Devices.file(dir.resolve("b.bin"))).via(StageSpec.of("card"))
            .to(Devices.fileSink(dir.resolve("b.out"))).chunkBytes(16 * 1024).build());
        assertEquals(1024 * KIB, share(1, 2));

        // The cards measure 256 KiB/s: 900 KiB/s needs four, each carrying 225 KiB/s of it.
        measure(256 * KIB);
        final FlowEvent.Replanned grown = a.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertTrue(grown.appliesToRunningFlow(), grown.toString());
        for (int i = 0; i < 4; i++) {
            assertEquals(225 * KIB, share(i, 1), "card#" + i);
        }
        assertEquals(List.of(225 * KIB, 225 * KIB, 225 * KIB, 225 * KIB), card.pacingBytesPerSecond(1),
            "each replica at its own card's part: none doubles up on card#0");
        assertEquals(1024 * KIB - 225 * KIB, share(1, 2), "card#1 is split between the two flows");

        // Fast again: one card carries it; the three it left are re-split among the flows still on them.
        measure(4L << 20);
        final FlowEvent.Replanned shrunk = a.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertTrue(shrunk.appliesToRunningFlow(), shrunk.toString());
        assertEquals(List.of(900 * KIB, -1L, -1L, -1L), card.pacingBytesPerSecond(1));
        assertEquals(-1, share(1, 1));
        assertEquals(1024 * KIB, share(1, 2), "flow 2 has card#1 alone again");
        assertEquals(0, card.instances().get(2).tenants());

        final FlowResult resultA = a.open().result().get(30, TimeUnit.SECONDS);
        final FlowResult resultB = b.open().result().get(30, TimeUnit.SECONDS);
        assertTrue(resultA.succeeded(), String.valueOf(resultA.error()));
        assertTrue(resultB.succeeded(), String.valueOf(resultB.error()));
        assertEquals(sha256(growing), sha256(Files.readAllBytes(dir.resolve("a.out"))));
        assertEquals(sha256(other), sha256(Files.readAllBytes(dir.resolve("b.out"))));
        Eventually.waitUntil(WAIT, () -> !card.placed(1) && !card.placed(2) && card.instances().get(0).tenants() == 0
            && card.instances().get(1).tenants() == 0);
        assertFalse(card.placed(1) || card.placed(2), "the flows' placements are forgotten when they end");
        for (int i = 0; i < 4; i++) {
            assertEquals(0, card.instances().get(i).tenants(), "card#" + i + " has no tenant left");
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
