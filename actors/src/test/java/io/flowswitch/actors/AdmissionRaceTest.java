package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.Grants;
import io.flowswitch.scheduler.PoolDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1000 flows opened at once from eight threads against two rate-limit instances of 100 MiB/s, each flow
 * asking 30 MiB/s: the manager's ledger is observed after every change and never holds more than an
 * instance takes.
 */
class AdmissionRaceTest {
    private static final int FLOWS = 1000;
    private static final int THREADS = 8;
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    @Test
    void underAThousandConcurrentOpensNoInstanceIsLeasedPastItsCapacity() throws Exception {
        final Config config = ConfigFactory.parseString(
                "flowswitch.pool.rate-limit { instances = 2, rate-bytes-per-second = 100MiB }")
            .withFallback(ConfigFactory.load());
        final DeviceCatalog catalog = DeviceCatalog.builtIn();
        final DevicePool pool = DevicePool.fromConfig(config, DevicePool.fromCatalog(catalog, PoolDefaults.STANDARD));
        final ActorTestKit testKit = ActorTestKit.create("race", config);
        final ExecutorService openers = Executors.newFixedThreadPool(THREADS);
        try (MediaDriverNode driver = MediaDriverNode.launch()) {
            final Queue<String> violations = new ConcurrentLinkedQueue<>();
            final AtomicInteger observed = new AtomicInteger();
            final AtomicInteger mostLeases = new AtomicInteger();
            final ActorRef<FlowManager.Usage> observer = testKit.spawn(Behaviors.receiveMessage(usage -> {
                observed.incrementAndGet();
                usage.kinds().values().stream().filter(kind -> !kind.withinCapacity())
                    .forEach(kind -> violations.add(kind.toString()));
                mostLeases.accumulateAndGet(usage.kinds().get("rate-limit").leases(), Math::max);
                return Behaviors.same();
            }));
            final ActorRef<FlowManager.Command> manager = testKit.spawn(FlowManager.create(
                new FlowCompiler(catalog, driver),
                    pool, Grants.unrestricted(), 8, observer), "manager");

            final Path in = Files.write(dir.resolve("in.bin"), new byte[1000]);
            final List<CompletableFuture<FlowResult>> results = new ArrayList<>();
            final List<FlowManager.OpenFlow> opens = new ArrayList<>();
            for (int i = 1; i <= FLOWS; i++) {
                final FlowSpec spec = Flows.from(Devices.file(in)).via(Devices.rateLimit(1L << 30, 0))
                    .to(Devices.fileSink(dir.resolve("out-" + i))).rateBytesPerSecond(30 * MIB).build();
                final FlowManager.OpenFlow open = new FlowManager.OpenFlow(i, spec, new CompletableFuture<>(),
                    new CompletableFuture<>());
                opens.add(open);
                results.add(open.result());
            }
            final CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < THREADS; t++) {
                final int first = t;
                openers.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = first; i < FLOWS; i += THREADS) {
                        manager.tell(opens.get(i));
                    }
                });
            }
            go.countDown();
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

            int succeeded = 0;
            int refused = 0;
            for (CompletableFuture<FlowResult> result : results) {
                final FlowResult r = result.join();
                if (r.succeeded()) {
                    succeeded++;
                } else {
                    assertEquals("ADMISSION_REFUSED", ((FlowException) r.error()).code(), r.error().getMessage());
                    refused++;
                }
            }
            assertEquals(FLOWS, succeeded + refused);
            assertTrue(succeeded > 0 && refused > 0, succeeded + " succeeded, " + refused + " refused");
            // Every flow told the manager it ended before its result completed: the ledger is empty now.
            final TestProbe<FlowManager.Usage> probe = testKit.createTestProbe();
            manager.tell(new FlowManager.GetUsage(probe.getRef()));
            final FlowManager.Usage end = probe.receiveMessage();
            assertEquals(0, end.liveLeases());
            assertEquals(0, end.kinds().get("rate-limit").inUseBytesPerSecond());
            // The observer hears of every change asynchronously: let it catch up before reading what it saw.
            Eventually.waitUntil(Duration.ofSeconds(5), () -> observed.get() >= FLOWS);
            assertEquals(List.of(), List.copyOf(violations));
            assertTrue(mostLeases.get() <= 6, "at most 3 flows of 30 MiB/s fit an instance of 100 MiB/s, so 6 in all; "
                + "saw " + mostLeases.get());
            assertTrue(observed.get() >= FLOWS, "the observer saw every decision: " + observed.get());
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(succeeded + 1, files.count(), "refused flows open no file");
            }
        } finally {
            openers.shutdownNow();
            testKit.shutdownTestKit();
        }
    }
}
