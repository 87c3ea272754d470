package io.flowswitch.actors;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.FlowSpecMessages;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.scheduler.Admission;
import io.flowswitch.scheduler.DeviceCapacity;
import io.flowswitch.scheduler.Decision;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.FlowRequest;
import io.flowswitch.scheduler.Grants;
import io.flowswitch.scheduler.InstanceId;
import io.flowswitch.scheduler.Lease;
import io.flowswitch.scheduler.MeasuredRate;
import io.flowswitch.scheduler.Placement;
import io.flowswitch.scheduler.Planner;
import io.flowswitch.scheduler.RateChange;
import io.flowswitch.scheduler.Rates;
import io.flowswitch.scheduler.ReplicaCeilings;
import io.flowswitch.scheduler.SchedulerException;
import io.flowswitch.scheduler.StageLease;
import io.flowswitch.scheduler.StagePlacement;
import io.flowswitch.scheduler.StageRequest;
import io.flowswitch.proto.OpenFlowReply;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
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
    /** The principal of flows that name none: FML's principal of programs that name none. */
    public static final String DEFAULT_PRINCIPAL = FlowSpec.DEFAULT_PRINCIPAL;

    public sealed interface Command
        permits OpenFlow, OpenFlowMessage, CancelFlow, ListDevices, GetUsage, FlowEnded, OwnerStopped, StagesMeasured,
        LeaseSpare, DeviceStopped {}

    /**
     * Opens a flow. {@code compiled} completes once the flow runs (or exceptionally if it is refused or
     * cannot be set up); {@code result} always completes, with the error inside when the flow failed.
     *
     * @param owner an actor of the application, or null: when it stops, the flow is cancelled
     * @param events an actor of the application that hears the flow's {@link FlowEvent}s, or null
     */
    public record OpenFlow(long flowId, FlowSpec spec, CompletableFuture<CompiledFlow> compiled,
        CompletableFuture<FlowResult> result, ActorRef<?> owner, ActorRef<FlowEvent> events) implements Command {

        /** A flow without an owner: it runs until it ends or is cancelled. */
        public OpenFlow(long flowId, FlowSpec spec, CompletableFuture<CompiledFlow> compiled,
            CompletableFuture<FlowResult> result) {
            this(flowId, spec, compiled, result, null, null);
        }

        /** A flow nobody hears events of. */
        public OpenFlow(long flowId, FlowSpec spec, CompletableFuture<CompiledFlow> compiled,
            CompletableFuture<FlowResult> result, ActorRef<?> owner) {
            this(flowId, spec, compiled, result, owner, null);
        }
    }

    /**
     * Opens a flow given as an {@code OpenFlowRequest} message (Protocol Buffers bytes). {@code replyTo} hears
     * whether the node took it: accepted (admitted and starting), or the code and sentence of why not
     * ({@code BAD_MESSAGE} for bytes that are not a valid request, {@code INVALID_FLOW}, {@code
     * ADMISSION_REFUSED}). Bad bytes cost the sender a reply and nothing else: every other flow runs on.
     *
     * @param flowId chosen by the sender, unique among the node's flows
     * @param events hears the flow's {@link FlowEvent}s, or null
     */
    public record OpenFlowMessage(long flowId, byte[] bytes, ActorRef<OpenFlowReply> replyTo,
        ActorRef<FlowEvent> events) implements Command {}

    public record CancelFlow(long flowId, String reason) implements Command {}

    /** Replies with every device instance, by kind. */
    public record ListDevices(ActorRef<Map<String, List<ActorRef<DeviceActor.Command>>>> replyTo)
        implements Command {}

    /** Replies with the ledger's state: what is leased of each device kind. */
    public record GetUsage(ActorRef<Usage> replyTo) implements Command {}

    /** Sent by a flow's supervisor when the flow has ended, before the application hears of it. */
    record FlowEnded(long flowId) implements Command {}

    /**
     * A flow's ladder redirects a stage to another instance: lease one more of the stage's kind, or say why
     * none is free. {@code reply} completes with the instance's name, or fails with the reason.
     */
    record LeaseSpare(long flowId, int stage, CompletableFuture<String> reply) implements Command {}

    /** The owner of some flows stopped. */
    record OwnerStopped(ActorRef<?> owner) implements Command {}

    /** The device actor of instance {@code index} of {@code kind} stopped (it crashed). */
    record DeviceStopped(String kind, int index, ActorRef<DeviceActor.Command> device) implements Command {}

    /**
     * What the stages of a flow that ended successfully measured, sent by its supervisor: one sample per
     * stage instance, {@code bytes} in over {@code busyNs} of the instance's own work. Public so that a
     * device whose speed is measured outside the node (an accelerator's own counters, an experiment) can be
     * reported the same way.
     */
    public record StagesMeasured(long flowId, List<RateSample> samples) implements Command {
        public StagesMeasured {
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
    public static final long DEFAULT_PROGRESS_INTERVAL_NS = 200_000_000L;

    /**
     * The ledger at one moment.
     *
     * @param kinds per device kind, by name
     * @param liveLeases flows holding a lease
     * @param openFlows flows whose supervisor has not stopped yet; a flow's lease comes back, and its result
     *     completes, before its supervisor and the actors under it have stopped, so this counts a flow longer
     */
    public record Usage(Map<String, KindUsage> kinds, int liveLeases, int openFlows) {
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

    /** How long a redirect waits for the ledger to lease it an instance before it counts as refused. */
    private static final long SPARE_TIMEOUT_MS = 1_000;
    private static final String SUPERVISOR_PREFIX = "flow-";
    /**
     * Supervisors run on the blocking dispatcher: set-up compiles the flow in the supervisor's own handler
     * (opening files, sockets and Aeron streams may block), without a hop to another thread and back.
     */
    private static final DispatcherSelector SUPERVISOR_DISPATCHER =
        DispatcherSelector.fromConfig(CompiledFlow.BLOCKING_DISPATCHER);

    /**
     * A live flow.
     *
     * @param request as the flow asked, {@code replicas auto} included
     * @param placement the planner's placement when a stage asked for {@code replicas auto} (after a re-plan,
     *     the last one announced); else null
     * @param events who hears of the flow, or null
     * @param compiledReplicas each ledger stage's replicas as compiled, its ceiling (so a re-plan can park and
     *     unpark replicas or lanes while it runs, up to it); empty when unplaced
     * @param ledgerStages how the ledger numbers the flow's stages
     */
    private record Flow(ActorRef<FlowSupervisor.Command> supervisor, ActorRef<?> owner, FlowRequest request,
        Placement placement, ActorRef<FlowEvent> events, List<Integer> compiledReplicas, FlowCancel cancel,
        LedgerStages ledgerStages) {

        Flow withPlacement(Placement value) {
            return new Flow(supervisor, owner, request, value, events, compiledReplicas, cancel, ledgerStages);
        }
    }

    private final ActorContext<Command> context;
    private final FlowCompiler compiler;
    /** Per kind, the device actor of each instance by index; a crashed one is replaced in its slot. */
    private final Map<String, List<ActorRef<DeviceActor.Command>>> devices;
    private final int portCapacityChunks;
    /** Device actors started in place of crashed ones, for unique names. */
    private int deviceRestarts;
    private final Admission admission;
    /** What each principal may lease: bounds how far a flow's replicas may grow ({@link ReplicaCeilings}). */
    private final Grants grants;
    /** {@code flowswitch.node.max-replica-ceiling}: the most replicas an auto stage is compiled with. */
    private final int maxReplicaCeiling;
    /** Splits each shared accelerator among the flows leased on it, as flows come and go. */
    private final DeviceShares shares;
    /** Told the ledger's state after every change; null outside tests. */
    private final ActorRef<Usage> observer;
    private final Map<Long, Flow> flows = new HashMap<>();
    private final Map<ActorRef<?>, Set<Long>> flowsByOwner = new HashMap<>();
    private final RateSensing sensing;
    /** How often a running flow with a listener reports progress ({@code flowswitch.node.progress-interval}). */
    private final long progressIntervalNs;
    /** Whether a small flow's loop runs in its supervisor's handler ({@code flowswitch.node.small-flow-loop}). */
    private final boolean smallFlowLoopInSupervisor;
    /** Per sensed kind, its measured rate; a kind appears with its first measurement. */
    private final Map<String, MeasuredRate> measured = new HashMap<>();
    /** Per kind, the rate its device actors were last told: they hear of a change past the margin. */
    private final Map<String, Double> described = new HashMap<>();

    private FlowManager(ActorContext<Command> context, FlowCompiler compiler,
        Map<String, List<ActorRef<DeviceActor.Command>>> devices, Admission admission, Grants grants,
        ActorRef<Usage> observer, RateSensing sensing, int portCapacityChunks) {
        this.context = context;
        this.grants = grants;
        this.maxReplicaCeiling = maxReplicaCeiling(context.getSystem().settings().config());
        this.portCapacityChunks = portCapacityChunks;
        this.sensing = sensing;
        this.progressIntervalNs = progressIntervalNs(context.getSystem().settings().config());
        this.smallFlowLoopInSupervisor = smallFlowLoopInSupervisor(context.getSystem().settings().config());
        sensing.startingRates().forEach((kind, rate) -> {
            if (rate > 0) {
                measured.put(kind, MeasuredRate.startingAt(sensing.halfLifeNs(), rate));
                described.put(kind, rate);
            }
        });
        // A redirect leases its instance here first, so that admission never counts on one a redirect took.
        final ActorRef<Command> self = context.getSelf();
        this.compiler = compiler.withSpares((flowId, stage, kind) -> {
            final CompletableFuture<String> reply = new CompletableFuture<>();
            self.tell(new LeaseSpare(flowId, stage, reply));
            return reply.orTimeout(SPARE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        });
        this.devices = devices;
        this.admission = admission;
        this.shares = new DeviceShares(compiler.catalog());
        this.observer = observer;
    }

    /**
     * @param pool the devices to lease; one device actor is started per instance of each catalog kind in it
     * @param grants what each principal may lease
     */
    public static Behavior<Command> create(FlowCompiler compiler, DevicePool pool,
        Grants grants, int portCapacityChunks) {
        return create(compiler, pool, grants, portCapacityChunks,
            RateSensing.defaults(compiler.catalog()), null);
    }

    /**
     * As {@link #create(FlowCompiler, DevicePool, Grants, int)}, sensing rates as {@code sensing}
     * says: {@code pool} already holds the self-benchmark's rates where configuration did not set them.
     */
    public static Behavior<Command> create(FlowCompiler compiler, DevicePool pool,
        Grants grants, int portCapacityChunks, RateSensing sensing) {
        return create(compiler, pool, grants, portCapacityChunks, sensing, null);
    }

    /** As {@link #create(FlowCompiler, DevicePool, Grants, int)}, telling {@code observer} every change. */
    static Behavior<Command> create(FlowCompiler compiler, DevicePool pool, Grants grants,
        int portCapacityChunks, ActorRef<Usage> observer) {
        return create(compiler, pool, grants, portCapacityChunks,
            RateSensing.defaults(compiler.catalog()), observer);
    }

    static Behavior<Command> create(FlowCompiler compiler, DevicePool pool, Grants grants,
        int portCapacityChunks, RateSensing sensing, ActorRef<Usage> observer) {
        return Behaviors.setup(context -> {
            final Map<String, List<ActorRef<DeviceActor.Command>>> instancesByKind = new LinkedHashMap<>();
            for (DeviceKind kind : compiler.catalog().kinds()) {
                final List<ActorRef<DeviceActor.Command>> instances = new ArrayList<>();
                final DeviceCapacity capacity = pool.find(kind.name()).orElse(null);
                final int count = capacity == null ? 0 : capacity.instances();
                for (int i = 0; i < count; i++) {
                    final ActorRef<DeviceActor.Command> device = context.spawn(DeviceActor.create(kind, i,
                        capacity.maxLeasesPerInstance(), portCapacityChunks,
                        sensing.startingRates().getOrDefault(kind.name(), 0.0)), "device-" + kind.name() + "-" + i);
                    // Declared supervision of the instances: one that crashes is started again in its slot.
                    context.watchWith(device, new DeviceStopped(kind.name(), i, device));
                    instances.add(device);
                }
                instancesByKind.put(kind.name(), instances);
            }
            return new FlowManager(context, compiler, instancesByKind,
                new Admission(pool, grants), grants, observer, sensing, portCapacityChunks).behavior();
        });
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
            .onMessage(OpenFlow.class, this::onOpen)
            .onMessage(OpenFlowMessage.class, this::onOpenMessage)
            .onMessage(CancelFlow.class, this::onCancel)
            .onMessage(FlowEnded.class, this::onEnded)
            .onMessage(OwnerStopped.class, this::onOwnerStopped)
            .onMessage(StagesMeasured.class, this::onStagesMeasured)
            .onMessage(LeaseSpare.class, this::onLeaseSpare)
            .onMessage(DeviceStopped.class, this::onDeviceStopped)
            .onMessage(ListDevices.class, m -> {
                final Map<String, List<ActorRef<DeviceActor.Command>>> copy = new LinkedHashMap<>();
                devices.forEach((kind, instances) -> copy.put(kind, List.copyOf(instances)));
                m.replyTo().tell(Map.copyOf(copy));
                return Behaviors.same();
            })
            .onMessage(GetUsage.class, m -> {
                m.replyTo().tell(usage());
                return Behaviors.same();
            })
            .build();
    }

    private Behavior<Command> onOpen(OpenFlow m) {
        open(m);
        return Behaviors.same();
    }

    private Behavior<Command> onOpenMessage(OpenFlowMessage m) {
        final FlowSpec spec;
        try {
            spec = FlowSpecMessages.decodeOpenFlow(m.bytes());
        } catch (FlowException e) {
            if (m.events() != null) {
                m.events().tell(new FlowEvent.Refused(m.flowId(), e.code(), e.getMessage()));
            }
            m.replyTo().tell(reply(m.flowId(), e));
            return Behaviors.same();
        }
        final FlowException refused = open(new OpenFlow(m.flowId(), spec, new CompletableFuture<>(),
            new CompletableFuture<>(), null, m.events()));
        m.replyTo().tell(reply(m.flowId(), refused));
        return Behaviors.same();
    }

    private static OpenFlowReply reply(long flowId, FlowException refused) {
        return refused == null ? OpenFlowReply.newBuilder().setFlowId(flowId).setAccepted(true).build()
            : OpenFlowReply.newBuilder().setAccepted(false).setCode(refused.code()).setError(refused.getMessage())
                .build();
    }

    /**
     * Checks, places and admits the flow, then starts its supervisor.
     *
     * @return null when the flow was admitted; else why not (its futures and events already say so)
     */
    private FlowException open(OpenFlow m) {
        if (flows.containsKey(m.flowId()) || context.getChild(supervisorName(m.flowId())).isPresent()) {
            // A sender's id, not the node's: spawning a second supervisor of that name would fail this actor.
            return refuse(m, new FlowException("INVALID_FLOW", "flow id " + m.flowId() + " is in use by a flow"
                + " that has not ended yet; open the flow under another id"));
        }
        final List<String> problems = new ArrayList<>(compiler.check(m.spec()));
        problems.addAll(LadderInstances.problems(m.spec(), admission.pool()));
        if (!problems.isEmpty()) {
            return refuse(m, new FlowException("INVALID_FLOW", String.join("; ", problems)));
        }
        FlowSpec spec = m.spec();
        Placement placement = null;
        final Decision decision;
        final LedgerStages ledgerStages = LedgerStages.of(m.flowId(), spec);
        final FlowRequest request = ledgerStages.request();
        try {
            if (request.stages().stream().anyMatch(StageRequest::isAuto)) {
                placement = Planner.plan(request.stages(), planningPool(), admission.freeInstances(),
                    request.requestedBytesPerSecond());
                final Optional<String> unplaced = unplaced(m.flowId(), placement);
                if (unplaced.isPresent()) {
                    return refuse(m, new FlowException("ADMISSION_REFUSED", unplaced.get()));
                }
                spec = resolved(spec, placement, ledgerStages);
            }
            decision = admission.admit(request, placement);
        } catch (SchedulerException e) {
            return refuse(m, new FlowException("INVALID_FLOW", e.getMessage()));
        }
        if (decision instanceof Decision.Refused refused) {
            return refuse(m, new FlowException("ADMISSION_REFUSED", refused.message()));
        }
        final Lease lease = ((Decision.Granted) decision).lease();
        // Before the flow's devices exist: each finds its part of a shared accelerator when it is created.
        shares.admitted(lease);
        final FlowSupervisor.Events events = m.events() == null ? FlowSupervisor.Events.NONE
            : new FlowSupervisor.Events(m.events(), new FlowEvent.Admitted(m.flowId(), lease.principal(),
                lease.instances().stream().map(InstanceId::toString).toList(), lease.bytesPerSecond()),
                progressIntervalNs);
        final FlowCancel cancel = new FlowCancel(m.flowId());
        // A flow with replicas auto is compiled with room to grow, balanced or as lanes.
        final List<Integer> ceilings = placement != null
            ? ReplicaCeilings.of(placement, admission.pool(), grants.find(request.principal()), maxReplicaCeiling)
            : List.of();
        final ActorRef<FlowSupervisor.Command> supervisor = context.spawn(
            FlowSupervisor.create(m.flowId(), spec, compiler, m.compiled(), m.result(), context.getSelf(), events,
                cancel, smallFlowLoopInSupervisor, ceilings.isEmpty() ? ceilings : ledgerStages.byFlowStage(ceilings)),
            supervisorName(m.flowId()), SUPERVISOR_DISPATCHER);
        tellInstances(lease, new DeviceActor.Leased(m.flowId()));
        supervisor.tell(new FlowSupervisor.WatchDevices(leasedDevices(ledgerStages, lease)));
        // Should the supervisor stop without saying so (it failed), its lease still comes back.
        context.watchWith(supervisor, new FlowEnded(m.flowId()));
        flows.put(m.flowId(), new Flow(supervisor, m.owner(), request, placement, m.events(), ceilings, cancel,
            ledgerStages));
        if (m.owner() != null) {
            final Set<Long> owned = flowsByOwner.computeIfAbsent(m.owner(), owner -> new LinkedHashSet<>());
            if (owned.isEmpty()) {
                context.watchWith(m.owner(), new OwnerStopped(m.owner()));
            }
            owned.add(m.flowId());
        }
        observe();
        supervisor.tell(new FlowSupervisor.Start());
        return null;
    }

    private static String supervisorName(long flowId) {
        return SUPERVISOR_PREFIX + flowId;
    }

    /** The refusal of a plan that left a stage without an instance, or empty when every stage has one. */
    private static Optional<String> unplaced(long flowId, Placement placement) {
        final List<String> clauses = new ArrayList<>();
        for (StagePlacement stage : placement.stages()) {
            if (stage.instances().isEmpty()) {
                clauses.add("stage " + (stage.stage() + 1) + " (" + stage.kind() + "): no instance is free");
            }
        }
        return clauses.isEmpty() ? Optional.empty()
            : Optional.of("flow " + flowId + " refused: " + String.join("; ", clauses));
    }

    /** {@code spec} with each {@code replicas auto} stage given the replicas {@code placement} chose. */
    static FlowSpec resolved(FlowSpec spec, Placement placement, LedgerStages ledgerStages) {
        final List<StageSpec> stages = new ArrayList<>();
        for (int i = 0; i < spec.stages().size(); i++) {
            final StageSpec stage = spec.stages().get(i);
            stages.add(stage.isAuto() ? stage.withReplicas(placement.stage(ledgerStages.ledgerStage(i)).replicas())
                : stage);
        }
        return spec.withStages(stages);
    }

    /**
     * The pool the planner sizes replicas with: the ledger's, with each sensed kind's measured rate where it
     * has one. Admission still reserves against the ledger's capacities; the planner wants the speeds.
     */
    private DevicePool planningPool() {
        DevicePool pool = admission.pool();
        for (Map.Entry<String, MeasuredRate> entry : measured.entrySet()) {
            final long rate = (long) entry.getValue().bytesPerSecond();
            if (rate > 0 && pool.find(entry.getKey()).isPresent()) {
                pool = pool.withRate(entry.getKey(), rate);
            }
        }
        return pool;
    }

    static final String PROGRESS_INTERVAL_KEY = "flowswitch.node.progress-interval";
    static final String MAX_REPLICA_CEILING_KEY = "flowswitch.node.max-replica-ceiling";

    /**
     * {@code flowswitch.node.max-replica-ceiling}: the most replicas a {@code replicas auto} stage is compiled
     * with, so that a running flow can grow into them; 1 compiles flows as placed (they never grow past it).
     *
     * @throws IllegalArgumentException naming the key, for a value outside 1..{@link ReplicaCeilings#MAX_CEILING}
     */
    static int maxReplicaCeiling(com.typesafe.config.Config config) {
        if (!config.hasPath(MAX_REPLICA_CEILING_KEY)) {
            return ReplicaCeilings.MAX_CEILING;
        }
        final int value;
        try {
            value = config.getInt(MAX_REPLICA_CEILING_KEY);
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            throw new IllegalArgumentException(MAX_REPLICA_CEILING_KEY + " must be a whole number from 1 to "
                + ReplicaCeilings.MAX_CEILING + ", got " + config.getValue(MAX_REPLICA_CEILING_KEY).render(), e);
        }
        if (value < 1 || value > ReplicaCeilings.MAX_CEILING) {
            throw new IllegalArgumentException(MAX_REPLICA_CEILING_KEY + " must be a whole number from 1 to "
                + ReplicaCeilings.MAX_CEILING + " (1: a running flow never grows past its plan), got " + value);
        }
        return value;
    }
    static final String SMALL_FLOW_LOOP_KEY = "flowswitch.node.small-flow-loop";

    /**
     * {@code flowswitch.node.small-flow-loop}: whether a direct small flow's loop runs in its supervisor's
     * handler ({@code supervisor}, the default) or on a task of the blocking dispatcher ({@code task}).
     *
     * @throws com.typesafe.config.ConfigException.BadValue naming the key, for any other value
     */
    public static boolean smallFlowLoopInSupervisor(com.typesafe.config.Config config) {
        if (!config.hasPath(SMALL_FLOW_LOOP_KEY)) {
            return true;
        }
        final String value = config.getValue(SMALL_FLOW_LOOP_KEY).unwrapped().toString();
        return switch (value) {
            case "supervisor" -> true;
            case "task" -> false;
            default -> throw new com.typesafe.config.ConfigException.BadValue(config.origin(), SMALL_FLOW_LOOP_KEY,
                "must be supervisor (the loop runs in the flow supervisor's handler) or task (on a task of the"
                    + " blocking dispatcher), got '" + value + "'");
        };
    }

    private static long progressIntervalNs(com.typesafe.config.Config config) {
        if (!config.hasPath(PROGRESS_INTERVAL_KEY)) {
            return DEFAULT_PROGRESS_INTERVAL_NS;
        }
        final long ns = config.getDuration(PROGRESS_INTERVAL_KEY).toNanos();
        if (ns < 0) {
            throw new IllegalArgumentException(PROGRESS_INTERVAL_KEY + " must be a duration >= 0 (0: no progress"
                + " events), such as 200ms, got " + config.getValue(PROGRESS_INTERVAL_KEY).render());
        }
        return ns;
    }

    /** Tells the device actor of every instance {@code lease} holds: they count leases for Describe. */
    private void tellInstances(Lease lease, DeviceActor.Command message) {
        for (InstanceId instance : lease.instances()) {
            final List<ActorRef<DeviceActor.Command>> instances = devices.get(instance.kind());
            if (instances != null && instance.index() < instances.size()) {
                instances.get(instance.index()).tell(message);
            }
        }
    }

    /** The ledger's view of a flow ({@link LedgerStages#request}). */
    static FlowRequest request(long flowId, FlowSpec spec) {
        return LedgerStages.of(flowId, spec).request();
    }

    private FlowException refuse(OpenFlow m, FlowException error) {
        if (m.events() != null) {
            m.events().tell(new FlowEvent.Refused(m.flowId(), error.code(), error.getMessage()));
        }
        m.compiled().completeExceptionally(error);
        m.result().complete(new FlowResult(m.flowId(), m.spec().name(), 0, 0, 0, 0, List.of(), error));
        observe();
        return error;
    }

    private Behavior<Command> onCancel(CancelFlow m) {
        final Flow flow = flows.get(m.flowId());
        if (flow != null) {
            // Served here too: the supervisor's thread may be inside a small flow's loop.
            flow.cancel().request(m.reason());
            flow.supervisor().tell(new FlowSupervisor.Cancel(m.reason()));
        }
        return Behaviors.same();
    }

    private Behavior<Command> onLeaseSpare(LeaseSpare m) {
        final Flow flow = flows.get(m.flowId());
        // The ladder names the flow's stage; the ledger numbers the devices a tee or pass stage holds too.
        final int ledgerStage = flow != null ? flow.ledgerStages().ledgerStage(m.stage()) : -1;
        final Admission.SpareLease spare = flow != null
            ? admission.leaseSpare(m.flowId(), ledgerStage)
            : new Admission.SpareLease(null, null, "flow " + m.flowId() + " is not running");
        if (!spare.granted()) {
            m.reply().completeExceptionally(new FlowException("NO_SPARE_INSTANCE", spare.refusal()));
            return Behaviors.same();
        }
        final List<ActorRef<DeviceActor.Command>> instances = devices.get(spare.instance().kind());
        if (instances != null && spare.instance().index() < instances.size()) {
            final ActorRef<DeviceActor.Command> device = instances.get(spare.instance().index());
            device.tell(new DeviceActor.Leased(m.flowId()));
            flow.supervisor().tell(new FlowSupervisor.WatchDevices(List.of(
                new FlowSupervisor.LeasedDevice(m.stage(), -1, spare.instance().toString(), device))));
        }
        // Before the ladder hears of it: the device it makes next paces at the spare's part.
        shares.spared(spare.lease(), ledgerStage, spare.instance());
        m.reply().complete(spare.instance().toString());
        observe();
        return Behaviors.same();
    }

    /**
     * A device actor died: the ledger takes its instance out of every lease (the flows that held it were
     * watching it and climb their ladders, never to come back to it), and a new actor takes its slot, free
     * for the next flow.
     */
    private Behavior<Command> onDeviceStopped(DeviceStopped m) {
        final List<ActorRef<DeviceActor.Command>> instances = devices.get(m.kind());
        if (instances == null || m.index() >= instances.size() || !instances.get(m.index()).equals(m.device())) {
            return Behaviors.same();
        }
        final InstanceId instance = new InstanceId(m.kind(), m.index());
        final List<Long> held = admission.releaseInstance(instance);
        shares.lost(instance, held);
        context.getLog().warn("device actor of {} stopped; released from flows {}; starting it again", instance, held);
        final DeviceKind kind = compiler.catalog().find(m.kind()).orElseThrow();
        final DeviceCapacity capacity = admission.pool().require(m.kind());
        final ActorRef<DeviceActor.Command> device = context.spawn(DeviceActor.create(kind, m.index(),
            capacity.maxLeasesPerInstance(), portCapacityChunks, described.getOrDefault(m.kind(), 0.0)),
            "device-" + m.kind() + "-" + m.index() + "-restart-" + ++deviceRestarts);
        context.watchWith(device, new DeviceStopped(m.kind(), m.index(), device));
        instances.set(m.index(), device);
        observe();
        return Behaviors.same();
    }

    /**
     * The device actors of {@code lease}, with the flow stage each instance serves and its replica: what
     * the flow's supervisor watches. The ledger's extra entries (a tee's branch sink, a pass stage's inner
     * device) serve no ladder and are left out.
     */
    private List<FlowSupervisor.LeasedDevice> leasedDevices(LedgerStages ledgerStages, Lease lease) {
        final List<FlowSupervisor.LeasedDevice> leased = new ArrayList<>();
        for (StageLease stage : lease.stages()) {
            final int specStage = ledgerStages.flowStage(stage.stage());
            final List<ActorRef<DeviceActor.Command>> instances = devices.get(stage.kind());
            if (specStage < 0 || instances == null) {
                continue;
            }
            for (int r = 0; r < stage.assignments().size(); r++) {
                final InstanceId instance = stage.assignments().get(r).instance();
                if (instance.index() < instances.size()) {
                    leased.add(new FlowSupervisor.LeasedDevice(specStage, r, instance.toString(),
                        instances.get(instance.index())));
                }
            }
        }
        return leased;
    }

    private Behavior<Command> onEnded(FlowEnded m) {
        final Flow flow = flows.remove(m.flowId());
        if (flow == null) {
            return Behaviors.same();
        }
        admission.release(m.flowId()).ifPresent(lease -> tellInstances(lease, new DeviceActor.Release(m.flowId())));
        shares.released(m.flowId());
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
                    final String reason = "its owner " + m.owner().path() + " stopped";
                    flow.cancel().request(reason);
                    flow.supervisor().tell(new FlowSupervisor.Cancel(reason));
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
            replanRunning(changed);
            observe();
        }
        return Behaviors.same();
    }

    /**
     * Re-plans the live flows with {@code replicas auto} on a kind whose measured rate moved past the margin
     * from the rate their placement was made with, and tells each flow whose replica counts would change
     * ({@link FlowEvent.Replanned}). The flow changes its replicas (or lanes) as it runs, within those it was
     * compiled with ({@link #appliesLive}).
     * Flows opened from now on are planned with the measured rates ({@link #planningPool}).
     */
    private void replanRunning(Set<String> kinds) {
        final DevicePool planning = planningPool();
        for (Map.Entry<Long, Flow> entry : flows.entrySet()) {
            final Flow flow = entry.getValue();
            final Placement before = flow.placement();
            if (before == null) {
                continue;
            }
            final List<String> moved = new ArrayList<>();
            for (StagePlacement stage : before.stages()) {
                final MeasuredRate rate = measured.get(stage.kind());
                final long planned = before.ratesBytesPerSecond().get(stage.stage());
                if (stage.auto() && kinds.contains(stage.kind()) && rate != null
                    && sensing.change().significant(planned, rate.bytesPerSecond())) {
                    moved.add(stage.kind() + " measured " + Rates.format(rate.bytesPerSecond()) + " per instance, planned "
                        + Rates.format(planned));
                }
            }
            if (moved.isEmpty()) {
                continue;
            }
            final Placement after;
            try {
                after = Planner.replan(before, flow.request().stages(), planning, admission.freeInstances(),
                    flow.request().requestedBytesPerSecond());
            } catch (SchedulerException e) {
                context.getLog().warn("re-planning flow {} failed: {}", entry.getKey(), e.getMessage());
                continue;
            }
            if (!after.placed() || replicas(after).equals(replicas(before))) {
                continue;
            }
            final boolean live = appliesLive(entry.getKey(), flow, after);
            // A flow that could not take the re-plan keeps the instances its lease holds, at the rates now
            // measured: the next re-plan starts from where it runs, once a rate moves past the margin again.
            entry.setValue(flow.withPlacement(live || flow.compiledReplicas().isEmpty() ? after
                : new Placement(before.stages(), before.peakBytesPerSecond(), before.bottleneckStage(),
                    after.ratesBytesPerSecond())));
            flow.supervisor().tell(new FlowSupervisor.Replanned(new FlowEvent.Replanned(entry.getKey(),
                String.join("; ", moved), chain(after), live), live ? flow.ledgerStages().byFlowStage(replicas(after)) : List.of()));
        }
    }

    /**
     * Moves a running flow's lease to {@code after} when the flow can take it while it runs: every stage keeps
     * within the replicas it was compiled with (its ceiling), which the balance (or the lanes' cursor) parks
     * and unparks. A flow still being set up is held to the ceilings it is being compiled with, and starts
     * with the new counts once compiled ({@link FlowCancel#replannedBeforeCompile}). The ledger is
     * moved here, before the supervisor resizes the flow: a refusal (the instances it would grow onto are
     * taken) leaves the lease and the flow as they were.
     */
    private boolean appliesLive(long flowId, Flow flow, Placement after) {
        final List<Integer> wanted = replicas(after);
        final CompiledFlow compiled = flow.cancel().compiledFlow();
        if (flow.compiledReplicas().size() != wanted.size()) {
            return false;
        }
        for (int i = 0; i < wanted.size(); i++) {
            // What was compiled, not what was asked: a small flow runs as one island, without its ceiling.
            final int flowStage = flow.ledgerStages().flowStage(i);
            final int ceiling = flowStage < 0 ? 1 : compiled != null ? compiled.replicaCeiling(flowStage)
                : Integer.MAX_VALUE;
            final int compiledCount = Math.min(flow.compiledReplicas().get(i), ceiling);
            if (wanted.get(i) > compiledCount || wanted.get(i) < 1 || compiledCount == 1 && wanted.get(i) != 1) {
                return false;
            }
        }
        final Optional<Lease> old = admission.lease(flowId);
        final Decision decision = admission.replace(flow.request(), after);
        if (!(decision instanceof Decision.Granted granted)) {
            return false;
        }
        old.ifPresent(lease -> tellInstances(lease, new DeviceActor.Release(flowId)));
        shares.replaced(granted.lease());
        tellInstances(granted.lease(), new DeviceActor.Leased(flowId));
        if (compiled == null) {
            flow.cancel().replannedBeforeCompile(flow.ledgerStages().byFlowStage(wanted));
        }
        return true;
    }

    private static List<Integer> replicas(Placement placement) {
        return placement.stages().stream().map(StagePlacement::replicas).toList();
    }

    /** A placement as one line: {@code file-source -> sha256 x4 -> file-sink}. */
    private static String chain(Placement placement) {
        return placement.stages().stream().map(s -> s.kind() + (s.replicas() > 1 ? " x" + s.replicas() : ""))
            .collect(java.util.stream.Collectors.joining(" -> "));
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
        int openFlows = 0;
        for (ActorRef<Void> child : context.getChildren()) {
            if (child.path().name().startsWith(SUPERVISOR_PREFIX)) {
                openFlows++;
            }
        }
        return new Usage(kinds, admission.leases().size(), openFlows);
    }
}
