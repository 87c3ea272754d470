package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.flowswitch.actors.SensedRateLimitNode.Opened;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running flow grows past the replicas it was planned with: a {@code replicas auto} stage is compiled with
 * a ceiling (here every one of the kind's four instances), starts on the one its plan needs, and when the
 * kind's measured rate drops past the margin the manager leases more instances and the flow unparks replicas
 * onto them, while it runs, without losing, duplicating or reordering a byte.
 */
class ReplicasGrowTest {
    private static final long MIB = 1L << 20;
    /** Each replica's device runs at 256 KiB/s (the ledger counts each instance at 100 MiB/s). */
    private static final long REPLICA_BYTES_PER_SECOND = 256 * 1024;
    private static final int CHUNK_BYTES = 4096;
    private static final Duration WAIT = SensedRateLimitNode.WAIT;

    private SensedRateLimitNode node;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        node = new SensedRateLimitNode("grow");
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private Opened open(FlowSpec spec) {
        return node.open(spec);
    }

    /**
     * file -> rate-limit (auto) -> crc32c -> file, asking for 100 MiB/s: one accelerator carries that, so the
     * plan is one replica. crc32c is not lane-safe, so the replicas are a balance and a sequence merge.
     */
    private static FlowSpec growable(Path in, Path out) {
        return Flows.from(Devices.file(in)).via(Devices.rateLimit(REPLICA_BYTES_PER_SECOND, 0).withAutoReplicas())
            .via(Devices.crc32c()).to(Devices.fileSink(out)).chunkBytes(CHUNK_BYTES).rateBytesPerSecond(100 * MIB)
            .build();
    }

    private void measure(long bytesPerSecond) {
        node.measure(bytesPerSecond);
    }

    private FlowManager.KindUsage rateLimitUsage() {
        return node.rateLimitUsage();
    }

    /** Waits until {@code chunks} more chunks have reached the flow's sink: the replicas as they are now did work. */
    private static void awaitChunksPast(CompiledFlow compiled, int chunks) throws Exception {
        final long from = compiled.bytesDone();
        Eventually.assertWithin(WAIT, chunks + " more chunks through the flow",
            () -> compiled.bytesDone() >= from + (long) chunks * CHUNK_BYTES);
    }

    private void awaitEveryLeaseBack() throws Exception {
        Eventually.waitUntil(WAIT, () -> rateLimitUsage().leases() == 0);
        assertEquals(0, rateLimitUsage().leases(), "every lease is back");
        assertEquals(0, rateLimitUsage().inUseBytesPerSecond());
    }

    private static long[] chunksPerReplica(FlowResult result) {
        return result.stages().stream().filter(r -> r.counters().stage().startsWith("2:"))
            .mapToLong(r -> r.counters().chunksIn()).toArray();
    }

    private byte[] input(String name, int size, long seed) throws Exception {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Files.write(dir.resolve(name), bytes);
        return bytes;
    }

    @Test
    void aFlowPlannedOnOneReplicaGrowsToFourWhenItsDeviceTurnsOutSlowerAndKeepsEveryByte() throws Exception {
        final byte[] bytes = input("in.bin", 512 * 1024 + 33, 21);
        final Path out = dir.resolve("out.bin");
        final Opened flow = open(growable(dir.resolve("in.bin"), out));
        final FlowEvent.Admitted admitted = flow.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        assertEquals(1, admitted.instances().stream().filter(i -> i.startsWith("rate-limit#")).count());
        flow.events().expectMessageClass(FlowEvent.Started.class, WAIT);
        final CompiledFlow compiled = flow.open().compiled().join();
        assertEquals(4, compiled.replicaCeiling(1), "compiled with every instance of the kind");
        assertEquals(1, compiled.activeReplicas(1), "started with the one its plan needs");
        assertEquals(1, rateLimitUsage().leases(), "a parked replica holds no lease");

        // The accelerator measures 25 MiB/s: 100 MiB/s needs four.
        measure(25 * MIB);
        final FlowEvent.Replanned grown = flow.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertTrue(grown.appliesToRunningFlow(), grown.toString());
        assertEquals("file-source -> rate-limit x4 -> crc32c -> file-sink", grown.placement());
        assertEquals(4, compiled.activeReplicas(1));
        final FlowManager.KindUsage usage = rateLimitUsage();
        assertEquals(4, usage.leases(), "the ledger holds four accelerators for the flow");
        assertEquals(1, usage.maxInstanceLeases(), "one on each");

        assertInstanceOf(FlowEvent.Completed.class, flow.events().receiveMessage(WAIT));
        final FlowResult result = flow.open().result().get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertEquals(sha256(bytes), sha256(Files.readAllBytes(out)), "no byte lost, duplicated or reordered");
        final long[] chunks = chunksPerReplica(result);
        assertEquals(bytes.length / CHUNK_BYTES + 1, Arrays.stream(chunks).sum());
        for (int r = 1; r < 4; r++) {
            assertTrue(chunks[r] > 0, "replica " + r + " ran after it was unparked: " + Arrays.toString(chunks));
        }
        awaitEveryLeaseBack();
    }

    @Test
    void aFlowThatRunsAsLanesGrowsItsLanesWhileItRunsAndKeepsEveryByte() throws Exception {
        final byte[] bytes = input("in.bin", 512 * 1024 + 17, 26);
        final Path out = dir.resolve("out.bin");
        // Positional ends and a lane-safe device: the flow runs as lanes, compiled at the ceiling, one claiming.
        final Opened flow = open(Flows.from(Devices.file(dir.resolve("in.bin")))
            .via(Devices.rateLimit(REPLICA_BYTES_PER_SECOND, 0).withAutoReplicas()).to(Devices.fileSink(out))
            .chunkBytes(CHUNK_BYTES).rateBytesPerSecond(100 * MIB).build());
        flow.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        flow.events().expectMessageClass(FlowEvent.Started.class, WAIT);
        final CompiledFlow compiled = flow.open().compiled().join();
        assertEquals(4, compiled.lanes(), "compiled with a lane per instance of the kind");
        assertEquals(1, compiled.activeReplicas(1), "started with the one lane its plan needs");
        assertEquals(1, rateLimitUsage().leases(), "a parked lane holds no lease");

        measure(25 * MIB);
        final FlowEvent.Replanned grown = flow.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertTrue(grown.appliesToRunningFlow(), grown.toString());
        assertEquals("file-source -> rate-limit x4 -> file-sink", grown.placement());
        assertEquals(4, compiled.activeReplicas(1));
        assertEquals(4, rateLimitUsage().leases());

        assertInstanceOf(FlowEvent.Completed.class, flow.events().receiveMessage(WAIT));
        final FlowResult result = flow.open().result().get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertEquals(sha256(bytes), sha256(Files.readAllBytes(out)), "every chunk written once, at its place");
        final long[] chunks = chunksPerReplica(result);
        assertEquals(bytes.length / CHUNK_BYTES + 1, Arrays.stream(chunks).sum());
        for (int lane = 1; lane < 4; lane++) {
            assertTrue(chunks[lane] > 0, "lane " + lane + " claimed chunks once unparked: " + Arrays.toString(chunks));
        }
        awaitEveryLeaseBack();
    }

    @Test
    void growthTheLedgerRefusesLeavesTheFlowRunningOnWhatItHad() throws Exception {
        final byte[] bytes = input("in.bin", 384 * 1024 + 7, 22);
        final Path out = dir.resolve("out.bin");
        final Opened flow = open(growable(dir.resolve("in.bin"), out));
        flow.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        flow.events().expectMessageClass(FlowEvent.Started.class, WAIT);
        // Another flow reserves 90 of the 100 MiB/s of each of the three other accelerators.
        final byte[] other = input("other.bin", 512 * 1024, 23);
        final Path otherOut = dir.resolve("other-out.bin");
        final Opened hog = open(Flows.from(Devices.file(dir.resolve("other.bin")))
            .via(Devices.rateLimit(REPLICA_BYTES_PER_SECOND, 0).withReplicas(3)).via(Devices.crc32c())
            .to(Devices.fileSink(otherOut)).chunkBytes(CHUNK_BYTES).rateBytesPerSecond(270 * MIB).build());
        hog.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        assertEquals(4, rateLimitUsage().leases());

        // Four would carry the flow's 100 MiB/s at 25 MiB/s each, but none of the others has 25 MiB/s to spare.
        measure(25 * MIB);
        final FlowEvent.Replanned refused = flow.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertFalse(refused.appliesToRunningFlow(), refused.toString());
        final CompiledFlow compiled = flow.open().compiled().join();
        assertEquals(1, compiled.activeReplicas(1), "the flow runs on what it had");
        assertEquals(4, rateLimitUsage().leases(), "its one lease and the other flow's three, as before");

        final FlowResult result = flow.open().result().get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertEquals(sha256(bytes), sha256(Files.readAllBytes(out)));
        final long[] chunks = chunksPerReplica(result);
        assertEquals(bytes.length / CHUNK_BYTES + 1, chunks[0], "replica 0 took every chunk: "
            + Arrays.toString(chunks));
        assertTrue(hog.open().result().get(30, TimeUnit.SECONDS).succeeded());
        assertEquals(sha256(other), sha256(Files.readAllBytes(otherOut)));
        awaitEveryLeaseBack();
    }

    @Test
    void aFlowShrinksThenGrowsAgainAndKeepsEveryByteInOrder() throws Exception {
        final byte[] bytes = input("in.bin", 640 * 1024 + 3, 24);
        final Path out = dir.resolve("out.bin");
        final Opened flow = open(growable(dir.resolve("in.bin"), out));
        flow.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        flow.events().expectMessageClass(FlowEvent.Started.class, WAIT);
        final CompiledFlow compiled = flow.open().compiled().join();

        measure(25 * MIB);
        assertTrue(flow.events().expectMessageClass(FlowEvent.Replanned.class, WAIT).appliesToRunningFlow());
        assertEquals(4, compiled.activeReplicas(1));
        awaitChunksPast(compiled, 16);
        // Fast again: one carries 100 MiB/s; three replicas park and their leases go back.
        measure(400 * MIB);
        final FlowEvent.Replanned shrunk = flow.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertTrue(shrunk.appliesToRunningFlow(), shrunk.toString());
        assertEquals("file-source -> rate-limit -> crc32c -> file-sink", shrunk.placement());
        assertEquals(1, compiled.activeReplicas(1));
        assertEquals(1, rateLimitUsage().leases());
        awaitChunksPast(compiled, 16);
        measure(25 * MIB);
        final FlowEvent.Replanned regrown = flow.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertTrue(regrown.appliesToRunningFlow(), regrown.toString());
        assertEquals(4, compiled.activeReplicas(1));
        assertEquals(4, rateLimitUsage().leases());

        assertInstanceOf(FlowEvent.Completed.class, flow.events().receiveMessage(WAIT));
        final FlowResult result = flow.open().result().get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertEquals(sha256(bytes), sha256(Files.readAllBytes(out)), "no byte lost, duplicated or reordered");
        assertEquals(bytes.length / CHUNK_BYTES + 1, Arrays.stream(chunksPerReplica(result)).sum());
        awaitEveryLeaseBack();
    }

    @Test
    void aCeilingOfOneCompilesTheFlowAsPlanned() throws Exception {
        node.close();
        node = new SensedRateLimitNode("grow-off", ConfigFactory.parseString("flowswitch.node.max-replica-ceiling = 1"));
        final byte[] bytes = input("in.bin", 256 * 1024, 25);
        final Opened flow = open(growable(dir.resolve("in.bin"), dir.resolve("out.bin")));
        flow.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        flow.events().expectMessageClass(FlowEvent.Started.class, WAIT);
        assertEquals(1, flow.open().compiled().join().replicaCeiling(1));
        measure(25 * MIB);
        assertFalse(flow.events().expectMessageClass(FlowEvent.Replanned.class, WAIT).appliesToRunningFlow());
        assertTrue(flow.open().result().get(30, TimeUnit.SECONDS).succeeded());
        assertEquals(sha256(bytes), sha256(Files.readAllBytes(dir.resolve("out.bin"))));
    }

    @Test
    void aBadCeilingInTheConfigurationIsRefusedNamingItsKey() {
        assertEquals(16, FlowManager.maxReplicaCeiling(ConfigFactory.load()));
        for (String bad : List.of("0", "17", "many")) {
            final IllegalArgumentException error = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> FlowManager.maxReplicaCeiling(ConfigFactory.parseString(
                    "flowswitch.node.max-replica-ceiling = " + bad)));
            assertTrue(error.getMessage().startsWith("flowswitch.node.max-replica-ceiling must be a whole number from"
                + " 1 to 16"), error.getMessage());
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
