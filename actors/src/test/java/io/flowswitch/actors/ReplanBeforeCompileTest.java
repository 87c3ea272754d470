package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.proto.DeviceCapabilities;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.PoolDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live re-plan that comes while the flow is still being set up is not lost: the ledger moves the flow's
 * lease, and the flow starts with the re-plan's lanes once compiled. The flow's file sink is held at its
 * creation until the test has re-planned, so the re-plan surely comes before the flow is compiled.
 */
class ReplanBeforeCompileTest {
    private static final long MIB = 1024 * 1024;
    private static final int CHUNK_BYTES = 16 * 1024;
    private static final Config CONFIG = ConfigFactory.parseString("""
            flowswitch.node.progress-interval = 0
            flowswitch.pool.rate-limit { instances = 4, rate-bytes-per-second = 100MiB }
            """).withFallback(ConfigFactory.load());
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CountDownLatch sinkGate = new CountDownLatch(1);
    private ActorTestKit testKit;
    private ActorRef<FlowManager.Command> manager;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        testKit = ActorTestKit.create("replan-before-compile", CONFIG);
        final DeviceCatalog catalog = TestManagers.builtIn(
            kind -> kind.name().equals("file-sink") ? new GatedKind(kind, sinkGate) : kind);
        // Only samples of 1 GiB count: the test's flow is too small to move the measured rate, measure() is.
        manager = TestManagers.spawn(testKit, catalog,
            DevicePool.fromConfig(CONFIG, DevicePool.fromCatalog(catalog, PoolDefaults.STANDARD)),
            TestManagers.sensedByLargeSamples("rate-limit"), null);
    }

    @AfterEach
    void stop() {
        sinkGate.countDown();
        testKit.shutdownTestKit();
    }

    @Test
    void aReplanBeforeTheFlowCompiledMovesTheLeaseAndTheFlowStartsWithItsLanes() throws Exception {
        final byte[] bytes = new byte[512 * 1024 + 17];
        new Random(27).nextBytes(bytes);
        final Path in = Files.write(dir.resolve("in.bin"), bytes);
        final Path out = dir.resolve("out.bin");
        final TestProbe<FlowEvent> events = testKit.createTestProbe();
        final FlowManager.OpenFlow open = new FlowManager.OpenFlow(1, Flows.from(Devices.file(in))
            .via(Devices.rateLimit(1L << 30, 0).withAutoReplicas()).to(Devices.fileSink(out))
            .chunkBytes(CHUNK_BYTES).rateBytesPerSecond(100 * MIB).build(), new CompletableFuture<>(),
            new CompletableFuture<>(), null, events.getRef());
        manager.tell(open);
        events.expectMessageClass(FlowEvent.Admitted.class, WAIT);
        assertEquals(1, rateLimitUsage().leases(), "one accelerator carries 100 MiB/s");

        // The accelerator measures 25 MiB/s while the flow's sink is still being made: 100 MiB/s needs four.
        measure(25 * MIB);
        Eventually.waitUntil(WAIT, () -> rateLimitUsage().leases() == 4);
        assertEquals(4, rateLimitUsage().leases(), "the ledger moved the lease before the flow compiled");
        assertEquals(1, rateLimitUsage().maxInstanceLeases(), "one on each accelerator");

        sinkGate.countDown();
        events.expectMessageClass(FlowEvent.Started.class, WAIT);
        final CompiledFlow compiled = open.compiled().join();
        assertEquals(4, compiled.lanes());
        assertEquals(4, compiled.activeReplicas(1), "the flow started with the re-plan's four lanes");
        final FlowEvent.Replanned replanned = events.expectMessageClass(FlowEvent.Replanned.class, WAIT);
        assertTrue(replanned.appliesToRunningFlow(), replanned.toString());
        assertEquals("file-source -> rate-limit x4 -> file-sink", replanned.placement());

        assertInstanceOf(FlowEvent.Completed.class, events.receiveMessage(WAIT));
        final FlowResult result = open.result().get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertTrue(Arrays.equals(bytes, Files.readAllBytes(out)), "every chunk written once, at its place");
        Eventually.waitUntil(WAIT, () -> rateLimitUsage().leases() == 0);
        assertEquals(0, rateLimitUsage().leases(), "every lease is back");
    }

    private void measure(long bytesPerSecond) {
        final long bytes = 1L << 30;
        manager.tell(new FlowManager.StagesMeasured(0, List.of(new FlowManager.RateSample("rate-limit", bytes,
            bytes * 1_000_000_000L / bytesPerSecond))));
    }

    private FlowManager.KindUsage rateLimitUsage() {
        final TestProbe<FlowManager.Usage> usage = testKit.createTestProbe();
        manager.tell(new FlowManager.GetUsage(usage.getRef()));
        return usage.receiveMessage(WAIT).kinds().get("rate-limit");
    }

    /** A kind as {@code kind}, whose instances are made only once the gate opens. */
    private record GatedKind(DeviceKind kind, CountDownLatch gate) implements DeviceKind {
        @Override
        public DeviceCapabilities capabilities() {
            return kind.capabilities();
        }

        @Override
        public boolean blocking() {
            return kind.blocking();
        }

        @Override
        public boolean positional() {
            return kind.positional();
        }

        @Override
        public boolean laneSafe() {
            return kind.laneSafe();
        }

        @Override
        public int passThroughPrefixMaxBytes() {
            return kind.passThroughPrefixMaxBytes();
        }

        @Override
        public void validate(DeviceParams params, FlowContext context) {
            kind.validate(params, context);
        }

        @Override
        public Device create(DeviceParams params, FlowContext context) {
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new DeviceException("TIMEOUT", "the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeviceException("INTERRUPTED", "interrupted at the gate");
            }
            return kind.create(params, context);
        }
    }
}
