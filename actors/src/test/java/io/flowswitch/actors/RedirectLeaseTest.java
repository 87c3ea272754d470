package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.fault.Fault;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redirect instance} leases the spare instance in the node's ledger before it runs there, and the
 * flow gives it back when it ends: admission never counts on an instance a redirect took, and a redirect
 * never takes one another flow holds (gzip is stateful: one flow per instance).
 */
class RedirectLeaseTest {
    private static final int CHUNK = TwoGzipInstances.CHUNK;
    private static TwoGzipInstances fixture;
    private static FlowSwitch node;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        fixture = new TwoGzipInstances(62, 777);
        node = fixture.node;
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @AfterEach
    void allStagesStoppedAndLeasesBack() throws Exception {
        StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
        assertEquals(0, fixture.gzipLeasesOnceSettled(), "every gzip lease is back, the spare's too");
    }

    @Test
    void aRedirectLeasesTheSpareInstanceUntilTheFlowEnds() throws Exception {
        final Path out = dir.resolve("out.gz");
        // The sink is slowed down so that the flow still runs on its spare while the ledger is read.
        final FlowHandle flow = node.run(gzipFlow(out, Ladder.of(new Ladder.RedirectInstance()), "slow@0:30ms"));
        int most = 0;
        while (!flow.completion().toCompletableFuture().isDone()) {
            final FlowManager.KindUsage gzip = fixture.gzipUsage();
            assertTrue(gzip.withinCapacity(), gzip::toString);
            most = Math.max(most, gzip.leases());
            Thread.sleep(2);
        }
        final FlowResult result = flow.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertEquals(LadderConformanceTest.sha256(fixture.gzipped),
            LadderConformanceTest.sha256(Files.readAllBytes(out)));
        assertEquals(2, most, "the failed instance and the spare, both the flow's while it ran");
        assertTrue(result.receipt().steps().stream().anyMatch(s -> s.action().matches(
            "redirect to instance 1 \\(gzip#[01]\\)")), result.receipt()::toString);
    }

    @Test
    void aRedirectWithNoSpareFreeGoesOnDownTheLadderInsteadOfOverCommitting() throws Exception {
        final int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        // Another flow holds the other gzip: it waits for a peer that never comes.
        final FlowHandle holder = node.run(Flows.from(Devices.tcpListen(port)).via(Devices.gzip(1))
            .to(Devices.fileSink(dir.resolve("held.gz"))).build());
        holder.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            final Path out = dir.resolve("out.gz");
            final FlowResult result = node.run(gzipFlow(out,
                    Ladder.of(new Ladder.RedirectInstance(), new Ladder.FallbackSoftware()), null))
                .completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
            assertEquals(LadderConformanceTest.sha256(fixture.gzipped),
                LadderConformanceTest.sha256(Files.readAllBytes(out)));
            assertTrue(result.receipt().steps().stream().anyMatch(s -> s.step() == 2 && s.action().startsWith(
                "redirect instance refused: no instance of gzip beyond the 1 the stage holds")),
                result.receipt()::toString);
            assertTrue(result.receipt().steps().stream().anyMatch(s -> s.step() == 4), result.receipt()::toString);
            final FlowManager.KindUsage gzip = fixture.gzipUsage();
            assertTrue(gzip.withinCapacity(), gzip::toString);
            assertEquals(1, gzip.leases(), "only the holder's: the flow's spare was never leased");
        } finally {
            holder.cancel("test is done with it");
            holder.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRedirectAfterATeeLeasesTheFailedStagesKindNotTheTeesBranchSink() throws Exception {
        // The ledger counts the tee's sha256-sink as a stage of its own, between the tee and gzip.
        assertRedirectLeasesAnotherGzip(Devices.tee(Devices.sha256Sink()));
    }

    @Test
    void aRedirectAfterAPassStageLeasesTheFailedStagesKindNotThePassStagesDevice() throws Exception {
        // The ledger counts the pass stage's rate-limit as a stage of its own, between the pass and gzip.
        assertRedirectLeasesAnotherGzip(Devices.pass(Devices.rateLimit(1L << 40, 0), 0, 12));
    }

    private void assertRedirectLeasesAnotherGzip(StageSpec before) throws Exception {
        final Path in = Files.write(dir.resolve("in"), fixture.plain);
        final Path out = dir.resolve("out.gz");
        final FlowResult result = node.run(Flows.from(Devices.file(in)).via(before)
                .via(Devices.gzip(1).withFault(Fault.parse("permanent@3", "test"))
                    .withLadder(Ladder.of(new Ladder.RedirectInstance())))
                .to(Devices.fileSink(out)).chunkBytes(CHUNK).build())
            .completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertEquals(LadderConformanceTest.sha256(fixture.gzipped),
            LadderConformanceTest.sha256(Files.readAllBytes(out)));
        assertTrue(result.receipt().steps().stream().anyMatch(s -> s.action().matches(
            "redirect to instance 1 \\(gzip#[01]\\)")), result.receipt()::toString);
    }

    private FlowSpec gzipFlow(Path out, Ladder ladder, String sinkFault) throws Exception {
        final Path in = Files.write(dir.resolve("in"), fixture.plain);
        final var sink = sinkFault == null ? Devices.fileSink(out)
            : Devices.fileSink(out).withFault(Fault.parse(sinkFault, "test"));
        return Flows.from(Devices.file(in))
            .via(Devices.gzip(1).withFault(Fault.parse("permanent@3", "test")).withLadder(ladder))
            .to(sink).chunkBytes(CHUNK).build();
    }

}
