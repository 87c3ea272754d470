package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.actors.SensedRateLimitNode.Opened;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replicas auto} at run time: the planner replicates the flow's slowest device up to the instances
 * free; when that device's measured rate moves past the margin, a running flow hears it would be re-planned
 * (and keeps its bytes), and the next flows are planned with the measured rate.
 */
class ReplicasAutoTest {
    private static final Duration WAIT = SensedRateLimitNode.WAIT;

    private SensedRateLimitNode node;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        node = new SensedRateLimitNode("auto");
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private Opened open(FlowSpec spec) {
        return node.open(spec);
    }

    private static List<String> rateLimitInstances(FlowEvent.Admitted admitted) {
        return admitted.instances().stream().filter(i -> i.startsWith("rate-limit#")).toList();
    }

    @Test
    void theSlowDeviceIsReplicatedUpToTheFreeInstancesAndTheBytesComeOutIdentical() throws Exception {
        final byte[] bytes = new byte[300_001];
        new Random(11).nextBytes(bytes);
        final Path in = Files.write(dir.resolve("in.bin"), bytes);
        final Path out = dir.resolve("out.bin");
        final Opened flow = open(Flows.from(Devices.file(in)).via(Devices.rateLimit(1L << 30, 0).withAutoReplicas())
            .to(Devices.fileSink(out)).chunkBytes(4096).build());
        final FlowResult result = flow.open().result().get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertArrayEquals(bytes, Files.readAllBytes(out));
        // 1 GiB/s of file devices against 100 MiB/s per accelerator: it would take 11, 4 are there.
        final FlowEvent.Admitted admitted = flow.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        assertEquals(List.of("rate-limit#0", "rate-limit#1", "rate-limit#2", "rate-limit#3"),
            rateLimitInstances(admitted));
        assertEquals(4, flow.open().compiled().join().spec().stages().get(1).replicas());

        // A second flow while none is free past what the first held: the same four (stateless, shared).
        final Opened second = open(Flows.from(Devices.file(in)).via(Devices.rateLimit(1L << 30, 0).withAutoReplicas())
            .to(Devices.fileSink(dir.resolve("out2.bin"))).chunkBytes(4096).rateBytesPerSecond(150L << 20).build());
        assertTrue(second.open().result().get(30, TimeUnit.SECONDS).succeeded());
        assertEquals(2, rateLimitInstances(second.events().expectMessageClass(FlowEvent.Admitted.class, WAIT)).size(),
            "a flow that asks for 150 MiB/s needs two of 100 MiB/s, not four");
    }

    @Test
    void aMeasuredRateChangeReplansRunningFlowsWithoutTouchingTheirBytesAndPlansTheNextOnesWithIt()
        throws Exception {
        final byte[] bytes = new byte[512 * 1024];
        new Random(12).nextBytes(bytes);
        final Path in = Files.write(dir.resolve("in.bin"), bytes);
        final Path out = dir.resolve("out.bin");
        // Four replicas at 256 KiB/s each: about half a second, long enough to change the rate meanwhile.
        final Opened running = open(Flows.from(Devices.file(in))
            .via(Devices.rateLimit(256 * 1024, 0).withAutoReplicas()).to(Devices.fileSink(out)).chunkBytes(4096)
            .build());
        assertEquals(4, rateLimitInstances(running.events().expectMessageClass(FlowEvent.Admitted.class, WAIT)).size());
        running.events().expectMessageClass(FlowEvent.Started.class, WAIT);

        // The accelerator turns out to run at 2 GiB/s: one instance is then faster than the file devices.
        node.measure(2L << 30);
        final FlowEvent.Replanned replanned = running.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertEquals("rate-limit measured 2 GiB/s per instance, planned 100 MiB/s", replanned.reason());
        assertEquals("file-source -> rate-limit -> file-sink", replanned.placement());
        // The flow runs as lanes (positional ends, a lane-safe device): three of them park while it runs.
        assertTrue(replanned.appliesToRunningFlow(), replanned.toString());
        assertEquals(1, running.open().compiled().join().activeReplicas(1));
        assertInstanceOf(FlowEvent.Completed.class, running.events().receiveMessage(WAIT));
        assertTrue(running.open().result().get(30, TimeUnit.SECONDS).succeeded());
        assertArrayEquals(bytes, Files.readAllBytes(out), "the running flow parked lanes and kept every byte");

        final Opened next = open(Flows.from(Devices.file(in)).via(Devices.rateLimit(1L << 30, 0).withAutoReplicas())
            .to(Devices.fileSink(dir.resolve("next.bin"))).chunkBytes(4096).build());
        assertEquals(1, rateLimitInstances(next.events().expectMessageClass(FlowEvent.Admitted.class, WAIT)).size(),
            "planned with the measured rate");
        assertTrue(next.open().result().get(30, TimeUnit.SECONDS).succeeded());
        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("next.bin")));
    }

    @Test
    void aBalancedFlowReplannedWhileItRunsParksReplicasAndKeepsEveryByteInOrder() throws Exception {
        final byte[] bytes = new byte[384 * 1024 + 17];
        new Random(13).nextBytes(bytes);
        final Path in = Files.write(dir.resolve("in.bin"), bytes);
        final Path out = dir.resolve("out.bin");
        // crc32c is not lane-safe, so the four replicas are a balance and a sequence merge, not lanes.
        final Opened running = open(Flows.from(Devices.file(in))
            .via(Devices.rateLimit(256 * 1024, 0).withAutoReplicas()).via(Devices.crc32c()).to(Devices.fileSink(out))
            .chunkBytes(4096).build());
        assertEquals(4, rateLimitInstances(running.events().expectMessageClass(FlowEvent.Admitted.class, WAIT)).size());
        running.events().expectMessageClass(FlowEvent.Started.class, WAIT);

        node.measure(2L << 30);
        final FlowEvent.Replanned replanned = running.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertEquals("file-source -> rate-limit -> crc32c -> file-sink", replanned.placement());
        assertTrue(replanned.appliesToRunningFlow());
        final CompiledFlow compiled = running.open().compiled().join();
        assertEquals(1, compiled.activeReplicas(1), "three of the four replicas are parked");
        assertEquals(1, node.rateLimitUsage().leases(),
            "the ledger holds one accelerator for the flow now");

        assertInstanceOf(FlowEvent.Completed.class, running.events().receiveMessage(WAIT));
        final FlowResult result = running.open().result().get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertEquals(sha256(bytes), sha256(Files.readAllBytes(out)), "no byte lost, duplicated or reordered");
        final long[] chunks = result.stages().stream().filter(r -> r.counters().stage().startsWith("2:"))
            .mapToLong(r -> r.counters().chunksIn()).toArray();
        assertEquals(4, chunks.length);
        assertEquals(bytes.length / 4096 + 1, java.util.Arrays.stream(chunks).sum());
        assertTrue(chunks[0] > chunks[1] + chunks[2] + chunks[3], "after the re-plan only replica 0 took chunks: "
            + java.util.Arrays.toString(chunks));
    }

    @Test
    void aParkedReplicaComesBackWhenTheDeviceTurnsOutSlowAgain() throws Exception {
        final byte[] bytes = new byte[384 * 1024 + 5];
        new Random(14).nextBytes(bytes);
        final Path in = Files.write(dir.resolve("in.bin"), bytes);
        final Path out = dir.resolve("out.bin");
        final Opened running = open(Flows.from(Devices.file(in))
            .via(Devices.rateLimit(256 * 1024, 0).withAutoReplicas()).via(Devices.crc32c()).to(Devices.fileSink(out))
            .chunkBytes(4096).build());
        running.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        running.events().expectMessageClass(FlowEvent.Started.class, WAIT);
        final CompiledFlow compiled = running.open().compiled().join();

        node.measure(2L << 30);
        assertTrue(running.events().expectMessageClass(FlowEvent.Replanned.class, WAIT).appliesToRunningFlow());
        assertEquals(1, compiled.activeReplicas(1));
        // Then it measures 50 MiB/s: the file devices would need 21; the four it was compiled with come back.
        node.measure((1L << 30) / 20);
        final FlowEvent.Replanned again = running.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertTrue(again.appliesToRunningFlow(), again.toString());
        assertEquals("file-source -> rate-limit x4 -> crc32c -> file-sink", again.placement());
        assertEquals(4, compiled.activeReplicas(1));
        assertEquals(4, node.rateLimitUsage().leases());

        assertInstanceOf(FlowEvent.Completed.class, running.events().receiveMessage(WAIT));
        final FlowResult result = running.open().result().get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertEquals(sha256(bytes), sha256(Files.readAllBytes(out)));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
