package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows of a few chunks run their devices in a plain loop (or, with {@code small-flows = island}, as one
 * island: no port, one thread), longer ones as a chain of islands; all give the same bytes and counters. Device actors hear of the ledger's leases without being asked for them.
 */
class SmallFlowTest {
    private static final int CHUNK = 4096;
    private static final String DIRECT_EDGE = "direct: a small flow, its devices in a plain loop on one thread";
    private static final String ISLAND_EDGE = "fused: a small flow, one island end to end on one thread";
    private static FlowSwitch node;
    private static FlowSwitch islandNode;
    /** The loop on a task of the blocking dispatcher, not in the supervisor's handler. */
    private static FlowSwitch taskNode;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        node = FlowSwitch.start();
        islandNode = FlowSwitch.start(com.typesafe.config.ConfigFactory.parseString("flowswitch.node.small-flows = island")
            .withFallback(com.typesafe.config.ConfigFactory.load()), io.flowswitch.devices.DeviceCatalog.builtIn());
        taskNode = FlowSwitch.start(com.typesafe.config.ConfigFactory.parseString("flowswitch.node.small-flow-loop = task")
            .withFallback(com.typesafe.config.ConfigFactory.load()), io.flowswitch.devices.DeviceCatalog.builtIn());
    }

    @AfterAll
    static void stop() {
        node.close();
        islandNode.close();
        taskNode.close();
    }

    @AfterEach
    void allStagesStopped() {
        StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
        StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(islandNode.system()));
        StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(taskNode.system()));
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, CHUNK, FlowCompiler.SMALL_FLOW_CHUNKS * CHUNK, FlowCompiler.SMALL_FLOW_CHUNKS * CHUNK + 1,
        40 * CHUNK + 3})
    void aFiveStageFlowCopiesEveryByteWhateverItsShape(int size) throws Exception {
        final byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        final Path in = Files.write(dir.resolve("in.bin"), bytes);
        final Path out = dir.resolve("out.bin");
        final FlowSpec spec = Flows.from(Devices.file(in)).via(Devices.rateLimit(1L << 40, 0)).via(Devices.crc32c())
            .via(Devices.sha256()).to(Devices.fileSink(out)).chunkBytes(CHUNK).build();
        final List<String> counters = new java.util.ArrayList<>();
        for (FlowSwitch each : List.of(node, islandNode, taskNode)) {
            final FlowHandle handle = each.run(spec);
            final FlowResult result = handle.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertTrue(result.succeeded(), String.valueOf(result.error()));
            assertArrayEquals(bytes, Files.readAllBytes(out));
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
                result.stages().stream().filter(s -> s.counters().stage().equals("4:sha256")).findFirst().orElseThrow()
                    .results().get("sha256"));
            final CompiledFlow compiled = handle.running().toCompletableFuture().join();
            if (size <= FlowCompiler.SMALL_FLOW_CHUNKS * CHUNK) {
                assertEquals(List.of(each == islandNode ? ISLAND_EDGE : DIRECT_EDGE), compiled.edges());
            } else {
                assertEquals(4, compiled.edges().size(), compiled.edges().toString());
            }
            counters.add(result.bytesIn() + " " + result.bytesOut() + " " + result.chunks() + " " + result.stages()
                .stream().map(s -> s.counters().stage() + " " + s.counters().chunksIn() + "/" + s.counters().bytesIn()
                    + " -> " + s.counters().chunksOut() + "/" + s.counters().bytesOut()).toList());
        }
        assertEquals(counters.get(1), counters.get(0), "the loop counts as the island does");
        assertEquals(counters.get(2), counters.get(0), "the loop counts the same on a task");
    }

    /**
     * With the loop in the supervisor's handler ({@code node}), the supervisor's mailbox waits for the loop: the
     * cancel gets through because the manager serves it itself.
     */
    @ParameterizedTest(name = "loop on {0}")
    @ValueSource(strings = {"supervisor", "task"})
    void aSmallFlowCancelledWhileItRunsStopsLeavesNoOutputAndGivesItsLeaseBack(String loop) throws Exception {
        final FlowSwitch node = loop.equals("task") ? taskNode : SmallFlowTest.node;
        final Path in = Files.write(dir.resolve("in.bin"), new byte[FlowCompiler.SMALL_FLOW_CHUNKS * CHUNK]);
        final Path out = dir.resolve("out.bin");
        // Four chunks at 2 KiB/s: about eight seconds, unless cancelled.
        final List<FlowEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        final FlowHandle handle = node.runWithListener(Flows.from(Devices.file(in)).via(Devices.rateLimit(2 * 1024, 0))
            .to(Devices.fileSink(out)).chunkBytes(CHUNK).build(), events::add);
        assertEquals(List.of(DIRECT_EDGE), handle.running().toCompletableFuture().get(10, TimeUnit.SECONDS).edges());
        final long startNs = System.nanoTime();
        handle.cancel("test");
        final FlowResult result = handle.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(!result.succeeded() && result.error() instanceof io.flowswitch.flow.FlowException e
            && e.code().equals("CANCELLED"), String.valueOf(result.error()));
        // One chunk is two seconds, the rest of the flow six more: the bound sits between, with room for a loaded
        // machine (which can only make the cancel later, never the flow's end earlier).
        assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(6), "stopped at its next chunk, not at its end");
        assertTrue(Files.notExists(out), "the sink removed its partial output");
        Eventually.waitUntil(Duration.ofSeconds(1), () -> rateLimitLeases(node) == 0);
        assertEquals(0, rateLimitLeases(node), "the lease came back");
        Eventually.waitUntil(Duration.ofSeconds(5),
            () -> events.isEmpty() || events.get(events.size() - 1) instanceof FlowEvent.Cancelled);
        assertEquals(List.of("Admitted", "Started", "Cancelled"), events.stream()
            .filter(e -> !(e instanceof FlowEvent.Progress)).map(e -> e.getClass().getSimpleName()).toList());
        assertEquals("test", ((FlowEvent.Cancelled) events.get(events.size() - 1)).reason());
    }

    @Test
    void aSmallFlowWhoseOwnerStopsWhileItsLoopRunsIsCancelledAndGivesItsLeaseBack() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[FlowCompiler.SMALL_FLOW_CHUNKS * CHUNK]);
        final Path out = dir.resolve("out.bin");
        final org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit testKit =
            org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit.create(node.system());
        final org.apache.pekko.actor.typed.ActorRef<String> owner =
            testKit.spawn(org.apache.pekko.actor.typed.javadsl.Behaviors.<String>ignore(), "small-flow-owner");
        final FlowHandle handle = node.run(Flows.from(Devices.file(in)).via(Devices.rateLimit(2 * 1024, 0))
            .to(Devices.fileSink(out)).chunkBytes(CHUNK).build(), owner);
        assertEquals(List.of(DIRECT_EDGE), handle.running().toCompletableFuture().get(10, TimeUnit.SECONDS).edges());
        final long startNs = System.nanoTime();
        testKit.stop(owner);
        final FlowResult result = handle.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(result.error() instanceof io.flowswitch.flow.FlowException e && e.code().equals("CANCELLED")
            && e.getMessage().contains("its owner"), String.valueOf(result.error()));
        assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(6), "stopped at its next chunk, not at its end");
        assertTrue(Files.notExists(out), "the sink removed its partial output");
        Eventually.waitUntil(Duration.ofSeconds(1), () -> rateLimitLeases(node) == 0);
        assertEquals(0, rateLimitLeases(node), "the lease came back");
    }

    @Test
    void aSmallFlowWhoseDeviceFailsReportsTheFailureAndLeavesNoOutput() throws Exception {
        final byte[] garbage = new byte[5000];
        new Random(3).nextBytes(garbage);
        final Path in = Files.write(dir.resolve("in.bin"), garbage);
        final FlowHandle handle = node.run(Flows.from(Devices.file(in)).via(Devices.aesGcmDecrypt("k"))
            .to(Devices.fileSink(dir.resolve("out.bin"))).key("k", new byte[32]).build());
        final FlowResult result = handle.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(List.of(DIRECT_EDGE), handle.running().toCompletableFuture().join().edges());
        assertTrue(!result.succeeded() && result.error().getMessage().contains("not a flowswitch encrypted stream"),
            String.valueOf(result.error()));
        assertTrue(Files.notExists(dir.resolve("out.bin")));
    }

    @Test
    void deviceActorsCountTheLedgersLeasesWhileAFlowRuns() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[64 * CHUNK]);
        // 64 KiB at 128 KiB/s: half a second, long enough to look at the device actors meanwhile.
        final FlowSpec spec = Flows.from(Devices.file(in)).via(Devices.rateLimit(128 * 1024, 0))
            .to(Devices.fileSink(dir.resolve("out.bin"))).chunkBytes(CHUNK).build();
        final FlowHandle handle = node.run(spec);
        handle.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, rateLimitLeases(), "the rate-limit instance the ledger chose counts the flow");
        assertTrue(handle.completion().toCompletableFuture().get(30, TimeUnit.SECONDS).succeeded());
        Eventually.waitUntil(Duration.ofSeconds(1), () -> rateLimitLeases() == 0);
        assertEquals(0, rateLimitLeases(), "released when the flow ended");
    }

    @Test
    void aBadSmallFlowLoopSettingStopsTheStartAndNamesTheKey() {
        final com.typesafe.config.ConfigException error = org.junit.jupiter.api.Assertions.assertThrows(
            com.typesafe.config.ConfigException.class, () -> FlowSwitch.start(com.typesafe.config.ConfigFactory
                .parseString("flowswitch.node.small-flow-loop = inline").withFallback(com.typesafe.config.ConfigFactory
                    .load()), io.flowswitch.devices.DeviceCatalog.builtIn()).close());
        assertTrue(error.getMessage().contains("flowswitch.node.small-flow-loop")
            && error.getMessage().contains("must be supervisor") && error.getMessage().contains("'inline'"),
            error.getMessage());
    }

    private static int rateLimitLeases() {
        return rateLimitLeases(node);
    }

    private static int rateLimitLeases(FlowSwitch node) {
        return node.devices().toCompletableFuture().join().stream()
            .filter(d -> d.instance().startsWith("rate-limit#")).mapToInt(DeviceActor.Description::leases).sum();
    }
}
