package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.Grants;
import io.flowswitch.scheduler.PoolDefaults;
import io.flowswitch.scheduler.RateChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
 * {@code replicas auto} at run time: the planner replicates the flow's slowest device up to the instances
 * free; when that device's measured rate moves past the margin, a running flow hears it would be re-planned
 * (and keeps its bytes), and the next flows are planned with the measured rate.
 */
class ReplicasAutoTest {
    /** Four modelled accelerators of 100 MiB/s each, beside file devices of 1 GiB/s (the default). */
    private static final Config CONFIG = ConfigFactory.parseString("""
            flowswitch.node.progress-interval = 0
            flowswitch.pool.rate-limit { instances = 4, rate-bytes-per-second = 100MiB }
            """).withFallback(ConfigFactory.load());
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ActorTestKit testKit;
    private MediaDriverNode driver;
    private ActorRef<FlowManager.Command> manager;
    private long nextFlowId = 1;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        testKit = ActorTestKit.create("auto", CONFIG);
        driver = MediaDriverNode.launch();
        final DeviceCatalog catalog = DeviceCatalog.builtIn();
        // The rate limiter's speed is its parameter, so the node does not sense it; here it stands for an
        // accelerator whose measured speed can change. Only samples of 1 GiB count: the test's own flows
        // (a rate limiter at its parameter's speed) are too small to move it, the sample the test sends is not.
        final FlowManager.RateSensing sensing = new FlowManager.RateSensing(Map.of(), Set.of("rate-limit"),
            Set.of("rate-limit"), FlowManager.DEFAULT_HALF_LIFE_NS, 1L << 30, RateChange.DEFAULT);
        manager = testKit.spawn(FlowManager.create(new FlowCompiler(catalog, driver),
            DevicePool.fromConfig(CONFIG, DevicePool.fromCatalog(catalog, PoolDefaults.STANDARD)),
            Grants.unrestricted(), 8, sensing, null), "manager");
    }

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
        driver.close();
    }

    private record Opened(FlowManager.OpenFlow open, TestProbe<FlowEvent> events) {}

    private Opened open(FlowSpec spec) {
        final TestProbe<FlowEvent> events = testKit.createTestProbe();
        final FlowManager.OpenFlow open = new FlowManager.OpenFlow(nextFlowId++, spec, new CompletableFuture<>(),
            new CompletableFuture<>(), null, events.getRef());
        manager.tell(open);
        return new Opened(open, events);
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
        manager.tell(new FlowManager.StagesMeasured(999, List.of(new FlowManager.RateSample("rate-limit", 1L << 30,
            500_000_000L))));
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

        manager.tell(new FlowManager.StagesMeasured(999, List.of(new FlowManager.RateSample("rate-limit", 1L << 30,
            500_000_000L))));
        final FlowEvent.Replanned replanned = running.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertEquals("file-source -> rate-limit -> crc32c -> file-sink", replanned.placement());
        assertTrue(replanned.appliesToRunningFlow());
        final CompiledFlow compiled = running.open().compiled().join();
        assertEquals(1, compiled.activeReplicas(1), "three of the four replicas are parked");
        final TestProbe<FlowManager.Usage> usage = testKit.createTestProbe();
        manager.tell(new FlowManager.GetUsage(usage.getRef()));
        assertEquals(1, usage.receiveMessage(WAIT).kinds().get("rate-limit").leases(),
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

        manager.tell(new FlowManager.StagesMeasured(998, List.of(new FlowManager.RateSample("rate-limit", 1L << 30,
            500_000_000L))));
        assertTrue(running.events().expectMessageClass(FlowEvent.Replanned.class, WAIT).appliesToRunningFlow());
        assertEquals(1, compiled.activeReplicas(1));
        // Then it measures 50 MiB/s: the file devices would need 21; the four it was compiled with come back.
        manager.tell(new FlowManager.StagesMeasured(999, List.of(new FlowManager.RateSample("rate-limit", 1L << 30,
            20_000_000_000L))));
        final FlowEvent.Replanned again = running.events().expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertTrue(again.appliesToRunningFlow(), again.toString());
        assertEquals("file-source -> rate-limit x4 -> crc32c -> file-sink", again.placement());
        assertEquals(4, compiled.activeReplicas(1));
        final TestProbe<FlowManager.Usage> usage = testKit.createTestProbe();
        manager.tell(new FlowManager.GetUsage(usage.getRef()));
        assertEquals(4, usage.receiveMessage(WAIT).kinds().get("rate-limit").leases());

        assertInstanceOf(FlowEvent.Completed.class, running.events().receiveMessage(WAIT));
        final FlowResult result = running.open().result().get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertEquals(sha256(bytes), sha256(Files.readAllBytes(out)));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
