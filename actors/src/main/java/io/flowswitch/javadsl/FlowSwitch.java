package io.flowswitch.javadsl;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.actors.DeviceActor;
import io.flowswitch.actors.FlowEvent;
import io.flowswitch.actors.FlowManager;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.SelfBenchmark;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.devices.port.IpcStreamPool;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.proto.OpenFlowReply;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.RateChange;
import io.flowswitch.scheduler.Rates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flowswitch node in this JVM: an actor system with the flow manager and one actor per device
 * instance, and one embedded Aeron media driver for the data plane. Applications signal through it:
 * {@link #run} a flow, watch its {@link FlowHandle}, {@link #close} the node. Thread-safe.
 *
 * <pre>{@code
 * try (FlowSwitch node = FlowSwitch.start()) {
 *     FlowResult result = node.run(Flows.from(Devices.file(in))
 *             .via(Devices.aesGcmEncrypt("k1")).to(Devices.fileSink(out))
 *             .key("k1", key).build())
 *         .completion().toCompletableFuture().join();
 * }
 * }</pre>
 */
public final class FlowSwitch implements AutoCloseable {
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(FlowSwitch.class);

    private final MediaDriverNode driverNode;
    private final ActorSystem<FlowManager.Command> system;
    private final DeviceCatalog catalog;
    private final AtomicLong nextFlowId = new AtomicLong(1);
    private final SmallRequests smallRequests;

    private FlowSwitch(MediaDriverNode driverNode, ActorSystem<FlowManager.Command> system, DeviceCatalog catalog,
        SmallRequestSettings smallRequestSettings) {
        this.smallRequests = new SmallRequests(this, catalog, smallRequestSettings);
        this.driverNode = driverNode;
        this.system = system;
        this.catalog = catalog;
    }

    /** Starts a node with the settings under {@code flowswitch.node} in the default configuration. */
    public static FlowSwitch start() {
        return start(ConfigFactory.load(), DeviceCatalog.builtIn());
    }

    public static FlowSwitch start(Config configured, DeviceCatalog builtIn) {
        // Modelled accelerators (flowswitch.accelerators) are device kinds of their own, with pool defaults.
        final AcceleratorSettings accelerators = AcceleratorSettings.from(configured, builtIn);
        final DeviceCatalog catalog = accelerators.catalog(builtIn);
        final Config config = accelerators.config(configured);
        final NodeSettings settings = NodeSettings.from(config, catalog);
        accelerators.check(settings.pool());
        final SmallRequestSettings smallRequestSettings = SmallRequestSettings.from(config);
        // The self-benchmark runs on a thread of its own while the media driver starts: never on an actor's.
        final CompletableFuture<Map<String, Double>> benchmarked = settings.selfBenchmark()
            ? CompletableFuture.supplyAsync(() -> selfBenchmark(catalog, settings), FlowSwitch::benchmarkThread)
            : CompletableFuture.completedFuture(Map.of());
        final MediaDriverNode driverNode = MediaDriverNode.launch(StreamPoolSettings.from(config).driverContext());
        try {
            final Map<String, Double> measured = benchmarked.join();
            final DevicePool pool = settings.poolWith(measured);
            final FlowManager.RateSensing sensing = new FlowManager.RateSensing(measured,
                settings.configuredRateKinds(), FlowManager.RateSensing.sensedKinds(catalog),
                settings.measuredRateHalfLifeNs(), settings.measuredRateMinSampleBytes(), RateChange.DEFAULT);
            final FlowCompiler compiler = new FlowCompiler(catalog, driverNode, directSmallFlows(config),
                laneLoops(config), keptPoolBytes(config));
            // Checked here, so that a bad value stops the start with the key's name.
            FlowManager.smallFlowLoopInSupervisor(config);
            final ActorSystem<FlowManager.Command> system = ActorSystem.create(
                FlowManager.create(compiler, pool, settings.grants(), settings.portCapacityChunks(), sensing),
                "flowswitch", config);
            final FlowSwitch node = new FlowSwitch(driverNode, system, catalog, smallRequestSettings);
            if (smallRequestSettings.calibrateAtStart()) {
                node.smallRequests.calibrateInBackground();
            }
            return node;
        } catch (RuntimeException e) {
            driverNode.close();
            throw e;
        }
    }

    /**
     * Measures every kind the self-benchmark can run that the pool has and configuration leaves unrated, one
     * after another (so that they do not compete for cores). A kind whose run fails is left unmeasured.
     */
    private static Map<String, Double> selfBenchmark(DeviceCatalog catalog, NodeSettings settings) {
        final SelfBenchmark benchmark = new SelfBenchmark(settings.selfBenchmarkMaxBytes(),
            settings.selfBenchmarkMaxTimeNs());
        final Map<String, Double> rates = new TreeMap<>();
        for (DeviceKind kind : catalog.kinds()) {
            if (!SelfBenchmark.measurable(kind) || settings.configuredRateKinds().contains(kind.name())
                || settings.pool().find(kind.name()).map(capacity -> capacity.instances() == 0).orElse(true)) {
                continue;
            }
            try {
                benchmark.run(kind).ifPresent(result -> {
                    rates.put(kind.name(), result.bytesPerSecond());
                    LOG.debug("self-benchmark: {} runs at {} ({} bytes in {} us)", kind.name(),
                        Rates.format(result.bytesPerSecond()), result.bytes(), result.elapsedNs() / 1000);
                });
            } catch (RuntimeException e) {
                LOG.warn("self-benchmark of {} failed, so its rate stays the configured default: {}", kind.name(),
                    e.getMessage());
            }
        }
        return rates;
    }

    private static void benchmarkThread(Runnable task) {
        final Thread thread = new Thread(task, "flowswitch-self-benchmark");
        thread.setDaemon(true);
        thread.start();
    }

    public DeviceCatalog catalog() {
        return catalog;
    }

    public ActorSystem<FlowManager.Command> system() {
        return system;
    }

    /** Where the node's media driver keeps its files; removed on {@link #close()}. */
    public String aeronDirectoryName() {
        return driverNode.aeronDirectoryName();
    }

    /** The node's pool of Aeron IPC streams now: idle and leased streams, opened and reused so far. */
    public IpcStreamPool.Stats ipcStreams() {
        return driverNode.ipcStreams().stats();
    }

    /**
     * Admits, sets up and runs a flow. Never blocks; a refusal ({@code ADMISSION_REFUSED}: requested, in use
     * and limit per device kind) and set-up errors arrive in the handle's completion.
     */
    public FlowHandle run(FlowSpec spec) {
        return run(spec, null, null);
    }

    /**
     * As {@link #run(FlowSpec)}, tied to {@code owner}, an actor of the application in this node's actor
     * system: when it stops, the flow is cancelled and its lease released.
     */
    public FlowHandle run(FlowSpec spec, ActorRef<?> owner) {
        return run(spec, owner, null);
    }

    /**
     * As {@link #run(FlowSpec, ActorRef)}, telling {@code events} (an actor of the application, or null)
     * the flow's {@link FlowEvent}s in order: admitted (or refused), started, progress, re-planned,
     * exceptions, and one of completed, failed, cancelled.
     */
    public FlowHandle run(FlowSpec spec, ActorRef<?> owner, ActorRef<FlowEvent> events) {
        final long flowId = nextFlowId.getAndIncrement();
        return open(flowId, spec, owner, events);
    }

    /**
     * As {@link #run(FlowSpec)}, calling {@code listener} with each of the flow's {@link FlowEvent}s, in
     * order, one at a time, on a thread of the node's actor system: it should return quickly. An exception
     * it throws is logged and does not touch the flow. (Its own name: {@code run(spec, null)} would
     * otherwise not say whether the null is an owner or a listener.)
     */
    public FlowHandle runWithListener(FlowSpec spec, Consumer<FlowEvent> listener) {
        final long flowId = nextFlowId.getAndIncrement();
        final ActorRef<FlowEvent> events = system.systemActorOf(listenerBehavior(flowId, listener),
            "flow-events-" + flowId, Props.empty());
        return open(flowId, spec, null, events);
    }

    private FlowHandle open(long flowId, FlowSpec spec, ActorRef<?> owner, ActorRef<FlowEvent> events) {
        final CompletableFuture<CompiledFlow> compiled = new CompletableFuture<>();
        final CompletableFuture<FlowResult> result = new CompletableFuture<>();
        system.tell(new FlowManager.OpenFlow(flowId, spec, compiled, result, owner, events));
        return new FlowHandle(flowId, compiled, result,
            reason -> system.tell(new FlowManager.CancelFlow(flowId, reason)));
    }

    /**
     * Runs a request the cheaper way: below the small-request threshold on the direct software path,
     * batched ({@link SmallRequests}), otherwise as a flow. Errors arrive in the result.
     */
    public CompletionStage<FlowResult> submit(FlowSpec spec) {
        return smallRequests.submit(spec);
    }

    /** {@code flowswitch.node.small-flows}: {@code direct} (a plain loop) or {@code island} (one stream island). */
    private static boolean directSmallFlows(Config config) {
        final String path = "flowswitch.node.small-flows";
        final String value = config.getString(path);
        if (!value.equals("direct") && !value.equals("island")) {
            throw new com.typesafe.config.ConfigException.BadValue(config.origin(), path,
                "must be direct or island, got '" + value + "'");
        }
        return value.equals("direct");
    }

    /** {@code flowswitch.node.lane-flows}: {@code loop} (a plain loop per lane) or {@code stream} (a graph per lane). */
    private static boolean laneLoops(Config config) {
        final String path = "flowswitch.node.lane-flows";
        final String value = config.getString(path);
        if (!value.equals("loop") && !value.equals("stream")) {
            throw new com.typesafe.config.ConfigException.BadValue(config.origin(), path,
                "must be loop or stream, got '" + value + "'");
        }
        return value.equals("loop");
    }

    /** {@code flowswitch.node.kept-pool-bytes}: chunk payload kept in finished flows' pools; 0 for none. */
    private static long keptPoolBytes(Config config) {
        final String path = "flowswitch.node.kept-pool-bytes";
        final long value = config.getBytes(path);
        if (value < 0) {
            throw new com.typesafe.config.ConfigException.BadValue(config.origin(), path,
                "must be a size >= 0 (0: no pool is kept), got " + config.getValue(path).render());
        }
        return value;
    }

    /** The node's small-request path: threshold, calibration, direct and batched runs. */
    public SmallRequests smallRequests() {
        return smallRequests;
    }

    /** A new flow id: flows and direct requests draw from one sequence. */
    long nextFlowId() {
        return nextFlowId.getAndIncrement();
    }

    /** Calls the listener with every event; stops after the flow's last. */
    private static Behavior<FlowEvent> listenerBehavior(long flowId, Consumer<FlowEvent> listener) {
        return org.apache.pekko.actor.typed.javadsl.Behaviors.receive(FlowEvent.class)
            .onAnyMessage(event -> {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.warn("the event listener of flow {} failed on {}: {}", flowId,
                        event.getClass().getSimpleName(), e.toString());
                }
                return event.terminal() ? org.apache.pekko.actor.typed.javadsl.Behaviors.stopped()
                    : org.apache.pekko.actor.typed.javadsl.Behaviors.same();
            })
            .build();
    }

    /**
     * Opens a flow given as an {@code OpenFlowRequest} message (Protocol Buffers bytes, e.g. from
     * {@link io.flowswitch.flow.FlowSpecMessages#encodeOpenFlow}); {@code events} (or null) hears the flow's
     * {@link FlowEvent}s. The reply says whether the node took it, or why not: bytes that are no valid request
     * ({@code BAD_MESSAGE}), an invalid flow, a refusal. Key material never travels in a message, so a flow
     * that names a key the node does not hold is invalid.
     */
    public CompletionStage<OpenFlowReply> open(byte[] openFlowRequest, ActorRef<FlowEvent> events) {
        final long flowId = nextFlowId.getAndIncrement();
        return AskPattern.ask(system,
            replyTo -> new FlowManager.OpenFlowMessage(flowId, openFlowRequest.clone(), replyTo, events), ASK_TIMEOUT,
            system.scheduler());
    }

    /** What the node's lease ledger holds now, per device kind. */
    public CompletionStage<FlowManager.Usage> usage() {
        return AskPattern.ask(system, FlowManager.GetUsage::new, ASK_TIMEOUT, system.scheduler());
    }

    /** Describes every device instance of the node. */
    public CompletionStage<List<DeviceActor.Description>> devices() {
        final CompletionStage<Map<String, List<ActorRef<DeviceActor.Command>>>> refs =
            AskPattern.ask(system, FlowManager.ListDevices::new, ASK_TIMEOUT, system.scheduler());
        return refs.thenCompose(byKind -> {
            final List<CompletableFuture<DeviceActor.Description>> asks = new ArrayList<>();
            byKind.values().forEach(instances -> instances.forEach(instance -> asks.add(
                AskPattern.<DeviceActor.Command, DeviceActor.Description>ask(instance, DeviceActor.Describe::new,
                    ASK_TIMEOUT, system.scheduler()).toCompletableFuture())));
            return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> asks.stream().map(CompletableFuture::join)
                    .sorted(java.util.Comparator.comparing(DeviceActor.Description::instance)).toList());
        });
    }

    /** Stops every flow, the actor system, then the media driver, and removes the driver's files. */
    @Override
    public void close() {
        smallRequests.close();
        try {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            CloseHelper.quietClose(driverNode);
        }
    }
}
