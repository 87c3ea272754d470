package io.flowswitch.actors;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.tee.TeeKind;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.scheduler.Admission;
import io.flowswitch.scheduler.DeviceCapacity;
import io.flowswitch.scheduler.Decision;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.FlowRequest;
import io.flowswitch.scheduler.Grants;
import io.flowswitch.scheduler.MeasuredRate;
import io.flowswitch.scheduler.RateChange;
import io.flowswitch.scheduler.SchedulerException;
import io.flowswitch.scheduler.StageRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The node's flow manager: owns the lease ledger ({@link Admission}) and the device actors (one per device
 * instance), admits flows and opens each admitted one under its own {@link FlowSupervisor}. O(1) messages
 * per flow, never per chunk.
 *
 * <p>The ledger is the authority on capacity: a flow is admitted only if its principal's grant covers it
 * and every stage finds instances with the rate it asks for; otherwise its result carries an {@code
 * ADMISSION_REFUSED} {@link FlowException} with the ledger's sentence (requested, in use, limit per device
 * kind) and nothing is started. The lease is released when the flow ends, however it ends, and the flows of
 * an application's owner actor are cancelled when that actor stops (death watch). All ledger state is
 * touched only from this actor's message handlers.
 */
public final class FlowManager {
    /** The principal flows opened through the Java API run as: FML's principal of programs that name none. */
    public static final String DEFAULT_PRINCIPAL = "default";

    public sealed interface Command
        permits OpenFlow, CancelFlow, ListDevices, GetUsage, FlowEnded, OwnerStopped, StagesMeasured {}

    /**
     * Opens a flow. {@code compiled} completes once the flow runs (or exceptionally if it is refused or
     * cannot be set up); {@code result} always completes, with the error inside when the flow failed.
     *
     * @param owner an actor of the application, or null: when it stops, the flow is cancelled
     */
    public record OpenFlow(long flowId, FlowSpec spec, CompletableFuture<CompiledFlow> compiled,
        CompletableFuture<FlowResult> result, ActorRef<?> owner) implements Command {

        /** A flow without an owner: it runs until it ends or is cancelled. */
        public OpenFlow(long flowId, FlowSpec spec, CompletableFuture<CompiledFlow> compiled,
            CompletableFuture<FlowResult> result) {
            this(flowId, spec, compiled, result, null);
        }
    }

    public record CancelFlow(long flowId, String reason) implements Command {}

    /** Replies with every device instance, by kind. */
    public record ListDevices(ActorRef<Map<String, List<ActorRef<DeviceActor.Command>>>> replyTo)
        implements Command {}

    /** Replies with the ledger's state: what is leased of each device kind. */
    public record GetUsage(ActorRef<Usage> replyTo) implements Command {}

    /** Sent by a flow's supervisor when the flow has ended, before the application hears of it. */
    record FlowEnded(long flowId) implements Command {}

    /** The owner of some flows stopped. */
    record OwnerStopped(ActorRef<?> owner) implements Command {}

    /**
     * What the stages of a flow that ended successfully measured, sent by its supervisor: one sample per
     * stage instance, {@code bytes} in over {@code busyNs} of the instance's own work.
     */
    record StagesMeasured(long flowId, List<RateSample> samples) implements Command {
        StagesMeasured {
            samples = List.copyOf(samples);
        }
    }

    /** One stage instance's work in a flow: what one instance of {@code kind} did alone. */
    public record RateSample(String kind, long bytes, long busyNs) {}

    /**
     * How the node senses its devices' rates.
     *
     * @param startingRates per kind, the self-benchmark's rate (bytes per second); a kind not listed has none
     * @param configuredKinds kinds whose rate {@code flowswitch.pool} sets (the self-benchmark skips them)
     * @param sensedKinds kinds whose rate flows measure: CPU-bound transforms, whose speed is the device's own
     *     (a file's or a socket's depends on the path, a rate limiter's on its parameter)
     * @param halfLifeNs the moving average's half-life, in busy time
     * @param minSampleBytes a stage instance that moved fewer bytes is not sampled: too short to be more than noise
     * @param change how far the measured rate must move before the kind's device actors are told
     */
    public record RateSensing(Map<String, Double> startingRates, Set<String> configuredKinds,
        Set<String> sensedKinds, long halfLifeNs, long minSampleBytes, RateChange change) {

        public RateSensing {
            startingRates = Map.copyOf(startingRates);
            configuredKinds = Set.copyOf(configuredKinds);
            sensedKinds = Set.copyOf(sensedKinds);
        }

        /** The defaults: no self-benchmark, CPU-bound transforms sensed, 1 s half-life, 1 MiB samples. */
        public static RateSensing defaults(DeviceCatalog catalog) {
            return new RateSensing(Map.of(), Set.of(), sensedKinds(catalog), DEFAULT_HALF_LIFE_NS,
                DEFAULT_MIN_SAMPLE_BYTES, RateChange.DEFAULT);
        }

        /** The catalog's CPU-bound transforms. */
        public static Set<String> sensedKinds(DeviceCatalog catalog) {
            final Set<String> kinds = new java.util.TreeSet<>();
            for (DeviceKind kind : catalog.kinds()) {
                if (kind.role() == DeviceRole.TRANSFORM && !kind.blocking()) {
                    kinds.add(kind.name());
                }
            }
            return kinds;
        }
    }

    public static final long DEFAULT_HALF_LIFE_NS = 1_000_000_000L;
    public static final long DEFAULT_MIN_SAMPLE_BYTES = 1L << 20;

    /**
     * The ledger at one moment.
     *
     * @param kinds per device kind, by name
     * @param liveLeases flows holding a lease
     */
    public record Usage(Map<String, KindUsage> kinds, int liveLeases) {
        public Usage {
            kinds = Map.copyOf(kinds);
        }
    }

    /**
     * What is leased of one device kind.
     *
     * @param rateBytesPerSecond each instance's capacity
     * @param inUseBytesPerSecond rate reserved over all instances; the limit is {@code instances × rate}
     * @param maxInstanceInUseBytesPerSecond the most rate reserved on any one instance
     * @param maxInstanceLeases the most leases held on any one instance
     * @param measuredBytesPerSecond one instance's measured rate (self-benchmark, then flows, as a moving
     *     average); 0 when the kind was never measured
     */
    public record KindUsage(String kind, int instances, long rateBytesPerSecond, int leasesPerInstance,
        long inUseBytesPerSecond, int leases, long maxInstanceInUseBytesPerSecond, int maxInstanceLeases,
        double measuredBytesPerSecond) {

        public long limitBytesPerSecond() {
            return instances * rateBytesPerSecond;
        }

        /** Whether no instance holds more rate or more leases than it takes. */
        public boolean withinCapacity() {
            return maxInstanceInUseBytesPerSecond <= rateBytesPerSecond && maxInstanceLeases <= leasesPerInstance;
        }
    }

    private record Flow(ActorRef<FlowSupervisor.Command> supervisor, ActorRef<?> owner) {}

    private final ActorContext<Command> context;
    private final FlowCompiler compiler;
    private final Executor blockingExecutor;
    private final Map<String, List<ActorRef<DeviceActor.Command>>> devices;
    private final Admission admission;
    /** Told the ledger's state after every change; null outside tests. */
    private final ActorRef<Usage> observer;
    private final Map<Long, Flow> flows = new HashMap<>();
    private final Map<ActorRef<?>, Set<Long>> flowsByOwner = new HashMap<>();
    private final RateSensing sensing;
    /** Per sensed kind, its measured rate; a kind appears with its first measurement. */
    private final Map<String, MeasuredRate> measured = new HashMap<>();
    /** Per kind, the rate its device actors were last told: they hear of a change past the margin. */
    private final Map<String, Double> described = new HashMap<>();

    private FlowManager(ActorContext<Command> context, FlowCompiler compiler, Executor blockingExecutor,
        Map<String, List<ActorRef<DeviceActor.Command>>> devices, Admission admission, ActorRef<Usage> observer,
        RateSensing sensing) {
        this.context = context;
        this.sensing = sensing;
        sensing.startingRates().forEach((kind, rate) -> {
            if (rate > 0) {
                measured.put(kind, MeasuredRate.startingAt(sensing.halfLifeNs(), rate));
                described.put(kind, rate);
            }
        });
        this.compiler = compiler;
        this.blockingExecutor = blockingExecutor;
        this.devices = devices;
        this.admission = admission;
        this.observer = observer;
    }

    /**
     * @param pool the devices to lease; one device actor is started per instance of each catalog kind in it
     * @param grants what each principal may lease
     */
    public static Behavior<Command> create(FlowCompiler compiler, Executor blockingExecutor, DevicePool pool,
        Grants grants, int portCapacityChunks) {
        return create(compiler, blockingExecutor, pool, grants, portCapacityChunks,
            RateSensing.defaults(compiler.catalog()), null);
    }

    /**
     * As {@link #create(FlowCompiler, Executor, DevicePool, Grants, int)}, sensing rates as {@code sensing}
     * says: {@code pool} already holds the self-benchmark's rates where configuration did not set them.
     */
    public static Behavior<Command> create(FlowCompiler compiler, Executor blockingExecutor, DevicePool pool,
        Grants grants, int portCapacityChunks, RateSensing sensing) {
        return create(compiler, blockingExecutor, pool, grants, portCapacityChunks, sensing, null);
    }

    /** As {@link #create(FlowCompiler, Executor, DevicePool, Grants, int)}, telling {@code observer} every change. */
    static Behavior<Command> create(FlowCompiler compiler, Executor blockingExecutor, DevicePool pool, Grants grants,
        int portCapacityChunks, ActorRef<Usage> observer) {
        return create(compiler, blockingExecutor, pool, grants, portCapacityChunks,
            RateSensing.defaults(compiler.catalog()), observer);
    }

    static Behavior<Command> create(FlowCompiler compiler, Executor blockingExecutor, DevicePool pool, Grants grants,
        int portCapacityChunks, RateSensing sensing, ActorRef<Usage> observer) {
        return Behaviors.setup(context -> {
            final Map<String, List<ActorRef<DeviceActor.Command>>> instancesByKind = new LinkedHashMap<>();
            for (DeviceKind kind : compiler.catalog().kinds()) {
                final List<ActorRef<DeviceActor.Command>> instances = new ArrayList<>();
                final DeviceCapacity capacity = pool.find(kind.name()).orElse(null);
                final int count = capacity == null ? 0 : capacity.instances();
                for (int i = 0; i < count; i++) {
                    instances.add(context.spawn(DeviceActor.create(kind, i, capacity.maxLeasesPerInstance(),
                        portCapacityChunks, sensing.startingRates().getOrDefault(kind.name(), 0.0)),
                        "device-" + kind.name() + "-" + i));
                }
                instancesByKind.put(kind.name(), List.copyOf(instances));
            }
            return new FlowManager(context, compiler, blockingExecutor, Map.copyOf(instancesByKind),
                new Admission(pool, grants), observer, sensing).behavior();
        });
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
            .onMessage(OpenFlow.class, this::onOpen)
            .onMessage(CancelFlow.class, this::onCancel)
            .onMessage(FlowEnded.class, this::onEnded)
            .onMessage(OwnerStopped.class, this::onOwnerStopped)
            .onMessage(StagesMeasured.class, this::onStagesMeasured)
            .onMessage(ListDevices.class, m -> {
                m.replyTo().tell(devices);
                return Behaviors.same();
            })
            .onMessage(GetUsage.class, m -> {
                m.replyTo().tell(usage());
                return Behaviors.same();
            })
            .build();
    }

    private Behavior<Command> onOpen(OpenFlow m) {
        final List<String> problems = compiler.check(m.spec());
        if (!problems.isEmpty()) {
            return refuse(m, new FlowException("INVALID_FLOW", String.join("; ", problems)));
        }
        final Decision decision;
        try {
            decision = admission.admit(request(m.flowId(), m.spec()));
        } catch (SchedulerException e) {
            return refuse(m, new FlowException("INVALID_FLOW", e.getMessage()));
        }
        if (decision instanceof Decision.Refused refused) {
            return refuse(m, new FlowException("ADMISSION_REFUSED", refused.message()));
        }
        final ActorRef<FlowSupervisor.Command> supervisor = context.spawn(
            FlowSupervisor.create(m.flowId(), m.spec(), compiler, blockingExecutor, devices, m.compiled(), m.result(),
                context.getSelf()),
            "flow-" + m.flowId());
        // Should the supervisor stop without saying so (it failed), its lease still comes back.
        context.watchWith(supervisor, new FlowEnded(m.flowId()));
        flows.put(m.flowId(), new Flow(supervisor, m.owner()));
        if (m.owner() != null) {
            final Set<Long> owned = flowsByOwner.computeIfAbsent(m.owner(), owner -> new LinkedHashSet<>());
            if (owned.isEmpty()) {
                context.watchWith(m.owner(), new OwnerStopped(m.owner()));
            }
            owned.add(m.flowId());
        }
        observe();
        supervisor.tell(new FlowSupervisor.Start());
        return Behaviors.same();
    }

    /** The ledger's view of a flow: its principal, its stages' kinds and replicas, its rate and weight. */
    static FlowRequest request(long flowId, FlowSpec spec) {
        final List<StageRequest> stages = new ArrayList<>();
        for (StageSpec stage : spec.stages()) {
            stages.add(new StageRequest(stage.kind(), stage.replicas()));
            final String branch = stage.params().get(TeeKind.TO);
            if (stage.kind().equals(TeeKind.NAME) && branch != null) {
                // A tee holds its branch sink as well: that instance is leased and counted like any other.
                stages.add(new StageRequest(branch, 1));
            }
        }
        return new FlowRequest(flowId, DEFAULT_PRINCIPAL, stages, spec.policy().rateBytesPerSecond(),
            spec.policy().weight());
    }

    private Behavior<Command> refuse(OpenFlow m, FlowException error) {
        m.compiled().completeExceptionally(error);
        m.result().complete(new FlowResult(m.flowId(), m.spec().name(), 0, 0, 0, 0, List.of(), error));
        observe();
        return Behaviors.same();
    }

    private Behavior<Command> onCancel(CancelFlow m) {
        final Flow flow = flows.get(m.flowId());
        if (flow != null) {
            flow.supervisor().tell(new FlowSupervisor.Cancel(m.reason()));
        }
        return Behaviors.same();
    }

    private Behavior<Command> onEnded(FlowEnded m) {
        final Flow flow = flows.remove(m.flowId());
        if (flow == null) {
            return Behaviors.same();
        }
        admission.release(m.flowId());
        context.unwatch(flow.supervisor());
        if (flow.owner() != null) {
            final Set<Long> owned = flowsByOwner.get(flow.owner());
            if (owned != null) {
                owned.remove(m.flowId());
                if (owned.isEmpty()) {
                    flowsByOwner.remove(flow.owner());
                    context.unwatch(flow.owner());
                }
            }
        }
        observe();
        return Behaviors.same();
    }

    private Behavior<Command> onOwnerStopped(OwnerStopped m) {
        final Set<Long> owned = flowsByOwner.remove(m.owner());
        if (owned != null) {
            // Leases come back as each flow ends (FlowEnded): a cancelled flow still holds its devices
            // until its stages have stopped.
            for (long flowId : owned) {
                final Flow flow = flows.get(flowId);
                if (flow != null) {
                    flow.supervisor().tell(new FlowSupervisor.Cancel("its owner " + m.owner().path() + " stopped"));
                }
            }
        }
        return Behaviors.same();
    }

    /**
     * Folds a finished flow's samples into each sensed kind's moving average ({@link Usage} reports it);
     * when it has moved by more than the margin from what the kind's instances last described, they are
     * told: O(instances) messages per flow at most, and only on a real change.
     *
     * <p>The ledger keeps planning with the rate it started with (configured, self-benchmarked or the
     * default): a short flow measures a device still being compiled by the JIT, and a ledger that took
     * such a sample would refuse flows the device can carry. Moving the ledger to measured rates belongs
     * with re-planning running flows on a rate change.
     */
    private Behavior<Command> onStagesMeasured(StagesMeasured m) {
        final Set<String> changed = new LinkedHashSet<>();
        for (RateSample sample : m.samples()) {
            if (!sensing.sensedKinds().contains(sample.kind()) || sample.bytes() < sensing.minSampleBytes()
                || sample.busyNs() <= 0 || admission.pool().find(sample.kind()).isEmpty()) {
                continue;
            }
            measured.merge(sample.kind(),
                MeasuredRate.empty(sensing.halfLifeNs()).sample(sample.bytes(), sample.busyNs()),
                (before, first) -> before.sample(sample.bytes(), sample.busyNs()));
            changed.add(sample.kind());
        }
        for (String kind : changed) {
            final double rate = measured.get(kind).bytesPerSecond();
            final Double told = described.get(kind);
            if (told == null || sensing.change().significant(told, rate)) {
                described.put(kind, rate);
                for (ActorRef<DeviceActor.Command> instance : devices.getOrDefault(kind, List.of())) {
                    instance.tell(new DeviceActor.UpdateMeasuredRate(rate));
                }
            }
        }
        if (!changed.isEmpty()) {
            observe();
        }
        return Behaviors.same();
    }

    private void observe() {
        if (observer != null) {
            observer.tell(usage());
        }
    }

    private Usage usage() {
        final Map<String, KindUsage> kinds = new LinkedHashMap<>();
        for (DeviceCapacity capacity : admission.pool().kinds()) {
            long inUse = 0;
            long maxInUse = 0;
            int leases = 0;
            int maxLeases = 0;
            for (int i = 0; i < capacity.instances(); i++) {
                final long used = admission.inUseBytesPerSecond(capacity.instance(i));
                final int count = admission.leaseCount(capacity.instance(i));
                inUse += used;
                leases += count;
                maxInUse = Math.max(maxInUse, used);
                maxLeases = Math.max(maxLeases, count);
            }
            kinds.put(capacity.kind(), new KindUsage(capacity.kind(), capacity.instances(),
                capacity.rateBytesPerSecond(), capacity.leasesPerInstance(), inUse, leases, maxInUse, maxLeases,
                measured.containsKey(capacity.kind()) ? measured.get(capacity.kind()).bytesPerSecond() : 0));
        }
        return new Usage(kinds, admission.leases().size());
    }
}
