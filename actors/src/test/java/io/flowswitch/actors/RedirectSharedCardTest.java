package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.accel.SharedAcceleratorKind;
import io.flowswitch.devices.fault.Fault;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.PoolDefaults;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * A {@code redirect instance} on a shared accelerator runs at the flow's part of the spare card it leased,
 * split with the flows already there, not at the part of the card that failed; when the flow ends, both
 * cards are re-split among the flows left.
 */
class RedirectSharedCardTest {
    private static final long KIB = 1024;
    private static final Config CONFIG = ConfigFactory.parseString("flowswitch.node.progress-interval = 0")
        .withFallback(ConfigFactory.load());
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Two cards of 1 MiB/s each, shared by the flows leased on them. */
    private final SharedAcceleratorKind card = new SharedAcceleratorKind("card", 2, 1024 * KIB);

    private ActorTestKit testKit;
    private ActorRef<FlowManager.Command> manager;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        testKit = ActorTestKit.create("redirect-shared", CONFIG);
        final DeviceCatalog catalog = TestManagers.builtInWith(card);
        manager = TestManagers.spawn(testKit, catalog, DevicePool.fromCatalog(catalog, PoolDefaults.STANDARD), null,
            null);
    }

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
    }

    private FlowManager.OpenFlow open(long flowId, FlowSpec spec) {
        final TestProbe<FlowEvent> events = testKit.createTestProbe();
        final FlowManager.OpenFlow open = new FlowManager.OpenFlow(flowId, spec, new CompletableFuture<>(),
            new CompletableFuture<>(), null, events.getRef());
        manager.tell(open);
        events.expectMessageClass(FlowEvent.Admitted.class, WAIT);
        events.expectMessageClass(FlowEvent.Started.class, WAIT);
        return open;
    }

    @Test
    void theRedirectedStagePacesAtItsFlowsPartOfTheSpareCard() throws Exception {
        final int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        // Flow 1 holds card#0 and waits for a peer that never comes.
        final FlowManager.OpenFlow holder = open(1, Flows.from(Devices.tcpListen(port)).via(StageSpec.of("card"))
            .to(Devices.fileSink(dir.resolve("held.out"))).build());
        assertEquals(1024 * KIB, card.instances().get(0).shareOf(1));

        final byte[] plain = new byte[768 * 1024];
        new Random(41).nextBytes(plain);
        final Path in = Files.write(dir.resolve("in.bin"), plain);
        final Path out = dir.resolve("out.bin");
        // Flow 2 lands on card#1, fails there for good at chunk 3 and is redirected to card#0, flow 1's card.
        final FlowManager.OpenFlow redirected = open(2, Flows.from(Devices.file(in))
            .via(StageSpec.of("card").withFault(Fault.parse("permanent@3", "test"))
                .withLadder(Ladder.of(new Ladder.RedirectInstance())))
            .to(Devices.fileSink(out)).chunkBytes(16 * 1024).build());
        assertEquals(1024 * KIB, card.instances().get(1).shareOf(2), "card#1 is flow 2's alone");

        Eventually.waitUntil(WAIT, () -> card.instances().get(0).shareOf(2) > 0);
        assertEquals(512 * KIB, card.instances().get(0).shareOf(2), "card#0 is split between the two flows");
        assertEquals(512 * KIB, card.instances().get(0).shareOf(1));
        Eventually.waitUntil(WAIT, () -> card.pacingBytesPerSecond(2).equals(List.of(512 * KIB)));
        assertEquals(List.of(512 * KIB), card.pacingBytesPerSecond(2),
            "the redirected stage paces at its part of card#0, not at its whole card#1");

        final FlowResult result = redirected.result().get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertTrue(result.receipt().steps().stream().anyMatch(s -> s.action().equals(
            "redirect to instance 1 (card#0)")), result.receipt()::toString);
        assertEquals(LadderConformanceTest.sha256(plain), LadderConformanceTest.sha256(Files.readAllBytes(out)));
        // Flow 2 ended: card#0 is flow 1's alone again, and card#1, the card that failed, has no tenant.
        Eventually.waitUntil(WAIT, () -> card.instances().get(0).shareOf(1) == 1024 * KIB
            && card.instances().get(1).tenants() == 0);
        assertEquals(1024 * KIB, card.instances().get(0).shareOf(1));
        assertEquals(0, card.instances().get(1).tenants());

        manager.tell(new FlowManager.CancelFlow(1, "test is done with it"));
        holder.result().get(10, TimeUnit.SECONDS);
    }
}
