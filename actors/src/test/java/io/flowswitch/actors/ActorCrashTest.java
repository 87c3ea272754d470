package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.fault.Fault;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.ladder.Receipt;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device actor of a flow's gzip instance crashes in the middle of the stream ({@code actor-crash}):
 * the flow's supervisor, watching the actors it leased, sees it die long before the stage's stall timeout
 * could; the stage redirects to the other instance and re-issues the stream, the output is identical;
 * the ledger takes the dead instance out of the flow's lease, and the device actor started in its place
 * takes leases again.
 */
class ActorCrashTest {
    private static final int CHUNK = TwoGzipInstances.CHUNK;
    private static TwoGzipInstances fixture;
    private static FlowSwitch node;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        fixture = new TwoGzipInstances(66, 333);
        node = fixture.node;
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @AfterEach
    void allStagesStopped() {
        StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
    }

    @Test
    void theSupervisorSeesTheActorDieAndTheStageRedirectsWithNothingLost() throws Exception {
        final Path in = Files.write(dir.resolve("in"), fixture.plain);
        final Path out = dir.resolve("out.gz");
        // A stall timeout far longer than the test may take: only the supervisor's watch can start the ladder.
        // Retrying on an instance whose actor died has nothing to run on: the ladder goes straight to redirect.
        final Ladder ladder = Ladder.of(new Ladder.Retry(2, 1_000_000L), new Ladder.RedirectInstance())
            .withStallTimeout(Duration.ofSeconds(60));
        final FlowHandle flow = node.run(Flows.from(Devices.file(in))
            .via(Devices.gzip(1).withFault(Fault.parse("actor-crash@3", "test")).withLadder(ladder))
            .to(Devices.fileSink(out).withFault(Fault.parse("slow@0:20ms", "test"))).chunkBytes(CHUNK).build());
        int afterRedirect = -1;
        while (!flow.completion().toCompletableFuture().isDone()) {
            final boolean redirected = !flow.receipt().steps().isEmpty();
            final FlowManager.KindUsage gzip = fixture.gzipUsage();
            assertTrue(gzip.withinCapacity(), gzip::toString);
            if (redirected && !flow.completion().toCompletableFuture().isDone()) {
                afterRedirect = gzip.leases();
            }
            Thread.sleep(2);
        }
        final FlowResult result = flow.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertEquals(LadderConformanceTest.sha256(fixture.gzipped),
            LadderConformanceTest.sha256(Files.readAllBytes(out)),
            "byte-identical to gzip's reference");
        assertEquals(1, afterRedirect, "the flow holds the spare alone: the dead instance left its lease");
        final List<Receipt.StepTaken> steps = result.receipt().steps();
        assertEquals(1, steps.size(), () -> "no retry on the dead instance: " + steps);
        final Receipt.StepTaken redirect = steps.get(0);
        assertEquals("ACTOR_CRASHED", redirect.code());
        assertTrue(redirect.action().matches("redirect to instance 1 \\(gzip#[01]\\)"), redirect::toString);
        assertTrue(redirect.cause().matches("stage 2 \\(gzip\\): the device actor of gzip#[01] died .*"),
            redirect::toString);
        for (Receipt.Audit audit : result.receipt().audits()) {
            assertEquals(0, audit.gaps(), audit::toString);
            assertTrue(audit.maxStallNs() < TimeUnit.SECONDS.toNanos(10), audit::toString);
        }
        assertEquals(0, fixture.gzipLeasesOnceSettled(), "the spare's lease is back too");
        theRestartedInstanceTakesLeasesAgain();
    }

    /** Two flows that each hold a gzip instance are admitted: both instances, the restarted one too. */
    private void theRestartedInstanceTakesLeasesAgain() throws Exception {
        final List<String> instances = node.devices().toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
            .map(DeviceActor.Description::instance).filter(name -> name.startsWith("gzip#")).sorted().toList();
        assertEquals(List.of("gzip#0", "gzip#1"), instances);
        final FlowHandle first = holder("held-1.gz");
        final FlowHandle second = holder("held-2.gz");
        try {
            first.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
            second.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(2, fixture.gzipUsage().leases());
        } finally {
            first.cancel("test is done with it");
            second.cancel("test is done with it");
            first.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
            second.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertEquals(0, fixture.gzipLeasesOnceSettled());
    }

    /** A flow that holds a gzip instance: it waits for a peer that never comes. */
    private FlowHandle holder(String name) throws Exception {
        final int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        return node.run(Flows.from(Devices.tcpListen(port)).via(Devices.gzip(1))
            .to(Devices.fileSink(dir.resolve(name))).build());
    }

}
