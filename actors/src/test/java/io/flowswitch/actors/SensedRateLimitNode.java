package io.flowswitch.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.PoolDefaults;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A node whose {@code rate-limit} kind stands for an accelerator with a measured speed the test moves: four
 * instances the ledger counts at 100 MiB/s each, beside file devices of 1 GiB/s (the default). The rate
 * limiter's speed is its parameter, so the node does not sense it; only samples of 1 GiB count, so the
 * test's own flows are too small to move the measured rate and {@link #measure} is. Flows opened here tell
 * their events to a probe of their own.
 */
final class SensedRateLimitNode implements AutoCloseable {
    static final Config CONFIG = ConfigFactory.parseString("""
            flowswitch.node.progress-interval = 0
            flowswitch.pool.rate-limit { instances = 4, rate-bytes-per-second = 100MiB }
            """).withFallback(ConfigFactory.load());
    static final Duration WAIT = Duration.ofSeconds(10);

    private final ActorTestKit testKit;
    private final MediaDriverNode driver;
    private final ActorRef<FlowManager.Command> manager;
    private long nextFlowId = 1;

    /** A flow as opened, and the probe that hears its events. */
    record Opened(FlowManager.OpenFlow open, TestProbe<FlowEvent> events) {}

    /** A node named {@code name} with {@link #CONFIG} under {@code overrides}. */
    SensedRateLimitNode(String name, Config overrides) {
        final Config config = overrides.withFallback(CONFIG);
        testKit = ActorTestKit.create(name, config);
        driver = MediaDriverNode.launch();
        final DeviceCatalog catalog = DeviceCatalog.builtIn();
        manager = TestManagers.spawn(testKit, catalog,
            DevicePool.fromConfig(config, DevicePool.fromCatalog(catalog, PoolDefaults.STANDARD)),
            TestManagers.sensedByLargeSamples("rate-limit"), driver);
    }

    SensedRateLimitNode(String name) {
        this(name, ConfigFactory.empty());
    }

    ActorTestKit testKit() {
        return testKit;
    }

    Opened open(FlowSpec spec) {
        final TestProbe<FlowEvent> events = testKit.createTestProbe();
        final FlowManager.OpenFlow open = new FlowManager.OpenFlow(nextFlowId++, spec, new CompletableFuture<>(),
            new CompletableFuture<>(), null, events.getRef());
        manager.tell(open);
        return new Opened(open, events);
    }

    /** The kind measured at {@code bytesPerSecond}: one sample long enough (busy time) to outweigh any before it. */
    void measure(long bytesPerSecond) {
        final long bytes = 1L << 30;
        manager.tell(new FlowManager.StagesMeasured(0, List.of(new FlowManager.RateSample("rate-limit", bytes,
            bytes * 1_000_000_000L / bytesPerSecond))));
    }

    FlowManager.KindUsage rateLimitUsage() {
        final TestProbe<FlowManager.Usage> usage = testKit.createTestProbe();
        manager.tell(new FlowManager.GetUsage(usage.getRef()));
        return usage.receiveMessage(WAIT).kinds().get("rate-limit");
    }

    @Override
    public void close() {
        testKit.shutdownTestKit();
        driver.close();
    }
}
