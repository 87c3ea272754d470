package io.flowswitch.actors;

import io.flowswitch.devices.stage.StageCounters;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.flow.compile.FlowCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per flow: compiles the flow, runs it, and when it ends, however it ends, tells the flow manager so
 * that it releases the flow's lease in its ledger. The application hears about the flow through the
 * futures it was given.
 *
 * <p>Capacity was decided before this actor exists: the manager's ledger admitted the flow and chose its
 * device instances, and told their device actors; the supervisor asks no device for anything. It runs on
 * the blocking dispatcher (the manager spawns it there), because compiling opens files, sockets and Aeron
 * streams: set-up is then one message to this actor, with no hop to another thread and back.
 */
public final class FlowSupervisor {
    public sealed interface Command permits Start, Compiled, Finished, Cancel, Replanned, ProgressTick, WatchDevices,
        DeviceDied, CrashDevice {}

    /** Begins set-up; sent by the flow manager right after spawning. */
    public record Start() implements Command {}

    record Compiled(CompiledFlow flow, Throwable error) implements Command {}

    record Finished(FlowResult result) implements Command {}

    /** Stops the flow; its sink removes partial output and the result says why. */
    public record Cancel(String reason) implements Command {}

    /**
     * The manager placed the flow again; the supervisor tells the application, in order with the rest.
     *
     * @param replicas when the event applies to the running flow, each stage's replicas from now on (the
     *     ledger already holds them); else empty
     */
    record Replanned(FlowEvent.Replanned event, List<Integer> replicas) implements Command {}

    private enum ProgressTick implements Command { INSTANCE }

    /**
     * A device instance the flow leased, and which of its stages it serves.
     *
     * @param stage    the stage's index in the flow (0-based)
     * @param replica  the replica it is the first instance of, or -1 for a spare a redirect leased
     * @param instance e.g. {@code gzip#1}
     */
    record LeasedDevice(int stage, int replica, String instance, ActorRef<DeviceActor.Command> actor) {}

    /** The flow leased these instances (sent by the manager before {@link Start}, and for each spare). */
    record WatchDevices(List<LeasedDevice> devices) implements Command {}

    record DeviceDied(LeasedDevice device) implements Command {}

    /** A stage's {@code actor-crash} fault fired, and no device actor was leased for the replica it struck. */
    record CrashDevice(int stage, int replica) implements Command {}

    /**
     * Who hears of the flow, and how often of its progress.
     *
     * @param events the application's actor for the flow's {@link FlowEvent}s, or null: nobody listens
     * @param admitted the flow's first event, sent before anything else
     * @param progressIntervalNs how often a running flow sends {@link FlowEvent.Progress}; 0 for never
     */
    record Events(ActorRef<FlowEvent> events, FlowEvent.Admitted admitted, long progressIntervalNs) {
        static final Events NONE = new Events(null, null, 0);
    }

    private static final Logger LOG = LoggerFactory.getLogger(FlowSupervisor.class);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final long flowId;
    private final FlowSpec spec;
    private final FlowCompiler compiler;
    private final CompletableFuture<CompiledFlow> compiledFuture;
    private final CompletableFuture<FlowResult> resultFuture;
    private final ActorRef<FlowManager.Command> manager;
    private final Events events;
    private final FlowCancel cancel;
    /** Whether a small flow's loop runs in this actor's handler ({@code flowswitch.node.small-flow-loop}). */
    private final boolean loopInHandler;
    /** Per stage, the replicas to compile it with so that a re-plan can grow it; empty for as its spec says. */
    private final List<Integer> replicaCeilings;
    private CompiledFlow compiled;
    private long setUpStartNs;
    private long lastBytesRead = -1;
    private long lastBytesDone = -1;
    private final List<LeasedDevice> leased = new ArrayList<>();

    private FlowSupervisor(ActorContext<Command> context, TimerScheduler<Command> timers, long flowId, FlowSpec spec,
        FlowCompiler compiler, CompletableFuture<CompiledFlow> compiledFuture,
        CompletableFuture<FlowResult> resultFuture, ActorRef<FlowManager.Command> manager, Events events,
        FlowCancel cancel, boolean loopInHandler, List<Integer> replicaCeilings) {
        this.context = context;
        this.replicaCeilings = List.copyOf(replicaCeilings);
        this.cancel = cancel;
        this.loopInHandler = loopInHandler;
        this.timers = timers;
        this.manager = manager;
        this.flowId = flowId;
        this.spec = spec;
        this.compiler = compiler;
        this.compiledFuture = compiledFuture;
        this.resultFuture = resultFuture;
        this.events = events;
    }

    /**
     * Spawn it on {@link CompiledFlow#BLOCKING_DISPATCHER}: its set-up opens files and sockets.
     *
     * @param spec a flow {@link FlowCompiler#check} found valid and the ledger admitted: it is compiled as it is
     */
    public static Behavior<Command> create(long flowId, FlowSpec spec, FlowCompiler compiler,
        CompletableFuture<CompiledFlow> compiled, CompletableFuture<FlowResult> result,
        ActorRef<FlowManager.Command> manager) {
        return create(flowId, spec, compiler, compiled, result, manager, Events.NONE, new FlowCancel(flowId), false,
            List.of());
    }

    /**
     * @param cancel the flow's cancel, which the manager serves itself (this actor's {@link Cancel} goes to it too)
     * @param loopInHandler whether a small flow's loop runs in this actor's handler, on its thread (one thread
     *     wake-up fewer per flow; a cancel still gets through {@code cancel}), or on a task of the blocking
     *     dispatcher
     * @param replicaCeilings per stage, the replicas it is compiled with so that a re-plan can grow it while it
     *     runs (those past its spec's parked); empty for none (see {@link FlowCompiler#compileChecked(FlowSpec,
     *     long, List)})
     */
    static Behavior<Command> create(long flowId, FlowSpec spec, FlowCompiler compiler,
        CompletableFuture<CompiledFlow> compiled, CompletableFuture<FlowResult> result,
        ActorRef<FlowManager.Command> manager, Events events, FlowCancel cancel, boolean loopInHandler,
        List<Integer> replicaCeilings) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new FlowSupervisor(context, timers, flowId,
            spec, compiler, compiled, result, manager, events, cancel, loopInHandler, replicaCeilings).behavior()));
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
            .onMessage(Start.class, m -> onStart())
            .onMessage(Compiled.class, this::onCompiled)
            .onMessage(Finished.class, this::onFinished)
            .onMessage(Cancel.class, this::onCancel)
            .onMessage(Replanned.class, this::onReplanned)
            .onMessageEquals(ProgressTick.INSTANCE, this::onProgressTick)
            .onMessage(WatchDevices.class, this::onWatchDevices)
            .onMessage(DeviceDied.class, this::onDeviceDied)
            .onMessage(CrashDevice.class, this::onCrashDevice)
            .build();
    }

    /** Watches the device actors the flow leased: when one dies, the stages on it climb their ladders. */
    private Behavior<Command> onWatchDevices(WatchDevices m) {
        for (LeasedDevice device : m.devices()) {
            leased.add(device);
            context.watchWith(device.actor(), new DeviceDied(device));
        }
        return Behaviors.same();
    }

    private Behavior<Command> onDeviceDied(DeviceDied m) {
        final LeasedDevice device = m.device();
        context.getLog().info("flow {}: the device actor of {} (stage {}) died", flowId, device.instance(),
            device.stage() + 1);
        if (compiled != null) {
            compiled.deviceLost(device.stage(), device.replica(), device.instance(), "its device actor stopped");
        }
        return Behaviors.same();
    }

    private DeviceActor.Crash crash(int stage) {
        return new DeviceActor.Crash("injected fault actor-crash in stage " + (stage + 1) + " of flow " + flowId);
    }

    /** A stage's {@code actor-crash} fired and the flow leased no device actor for it: the stage fails all the same. */
    private Behavior<Command> onCrashDevice(CrashDevice m) {
        if (compiled != null) {
            compiled.deviceLost(m.stage(), m.replica(), "stage " + (m.stage() + 1) + "'s instance",
                "no device actor was leased");
        }
        return Behaviors.same();
    }

    private Behavior<Command> onStart() {
        setUpStartNs = System.nanoTime();
        emit(events.admitted());
        CompiledFlow flow;
        try {
            // The manager checked the flow before admitting it.
            flow = compiler.compileChecked(spec, flowId, replicaCeilings);
        } catch (RuntimeException e) {
            return onCompiled(new Compiled(null, e));
        }
        return onCompiled(new Compiled(flow, null));
    }

    private Behavior<Command> onCompiled(Compiled m) {
        if (m.error() != null) {
            return fail(unwrap(m.error()));
        }
        compiled = m.flow();
        final ActorRef<Command> self = context.getSelf();
        final List<LeasedDevice> firstInstances = List.copyOf(leased);
        compiled.onActorCrashFault((stage, replica) -> {
            // Straight to the device actor: through this actor the fault would wait for one more wake-up.
            for (LeasedDevice device : firstInstances) {
                if (device.stage() == stage && device.replica() == replica) {
                    device.actor().tell(crash(stage));
                    return;
                }
            }
            self.tell(new CrashDevice(stage, replica));
        });
        compiledFuture.complete(compiled);
        final boolean inHandler = loopInHandler && compiled.direct();
        cancel.compiled(compiled, inHandler);
        if (inHandler) {
            // The loop below returns when the flow has ended: the application hears Started first.
            started();
        }
        final CompletableFuture<FlowResult> finished = compiled.run(Materializer.matFromSystem(context.getSystem()),
                inHandler ? Runnable::run : null)
            .toCompletableFuture()
            .handle((result, error) -> result != null ? result
                : new FlowResult(flowId, spec.name(), 0, 0, 0, 0, List.of(), error));
        // The application hears of the end on the thread that finished the flow: through this actor it would
        // wait for one more wake-up. Events still go out from here, in order (onFinished).
        finished.thenAccept(this::ended);
        if (!inHandler) {
            started();
        }
        context.pipeToSelf(finished, (result, error) -> new Finished(result));
        return Behaviors.same();
    }

    private void started() {
        final long setUpNs = System.nanoTime() - setUpStartNs;
        if (LOG.isDebugEnabled()) {
            // Guarded: the chain's text and an actor's own logger cost a small flow more than its work.
            LOG.debug("flow {} set up in {} us: {}", flowId, setUpNs / 1000, spec.chain());
        }
        emit(new FlowEvent.Started(flowId, setUpNs, compiled.edges()));
        if (events.events() != null && events.progressIntervalNs() > 0) {
            timers.startTimerWithFixedDelay(ProgressTick.INSTANCE, Duration.ofNanos(events.progressIntervalNs()));
        }
    }

    private Behavior<Command> onReplanned(Replanned m) {
        if (compiled != null) {
            // A stage that is not balanced over replicas (a source, a sink, a single instance) stays as it is.
            compiled.resizeReplicas(m.replicas());
        }
        emit(m.event());
        return Behaviors.same();
    }

    private Behavior<Command> onProgressTick() {
        if (compiled != null) {
            emitProgress();
        }
        return Behaviors.same();
    }

    /** Sends the flow's progress if it moved since the last. */
    private void emitProgress() {
        final long bytesRead = compiled.bytesRead();
        final long bytesDone = compiled.bytesDone();
        if (bytesRead != lastBytesRead || bytesDone != lastBytesDone) {
            lastBytesRead = bytesRead;
            lastBytesDone = bytesDone;
            emit(new FlowEvent.Progress(flowId, bytesRead, bytesDone, compiled.sourceSizeBytes()));
        }
    }

    /**
     * The flow ended: tells the manager (its measured rates, then that it ended, so it releases the lease),
     * then the application. Runs on the thread that finished the flow; touches only final fields.
     */
    private void ended(FlowResult result) {
        if (result.succeeded()) {
            // Before FlowEnded: the application that hears the flow ended then sees the rates it measured.
            manager.tell(new FlowManager.StagesMeasured(flowId, samples(result)));
        }
        releaseLeases();
        resultFuture.complete(result);
    }

    private Behavior<Command> onFinished(Finished m) {
        timers.cancelAll();
        final FlowResult result = m.result();
        if (events.events() != null) {
            if (events.progressIntervalNs() > 0 && lastBytesRead >= 0) {
                emitProgress();
            }
            if (result.succeeded()) {
                emit(new FlowEvent.Completed(flowId, result.bytesIn(), result.bytesOut(), result.chunks(),
                    result.elapsedNs()));
            } else {
                emitEnd(result.error(), result.bytesOut(), true);
            }
        }
        return Behaviors.stopped();
    }

    private Behavior<Command> onCancel(Cancel m) {
        cancel.cancel(m.reason());
        return Behaviors.same();
    }

    private Behavior<Command> fail(Throwable error) {
        releaseLeases();
        emitEnd(error, 0, false);
        compiledFuture.completeExceptionally(error);
        resultFuture.complete(new FlowResult(flowId, spec.name(), 0, 0, 0, 0, List.of(), error));
        return Behaviors.stopped();
    }

    /**
     * The flow's last event for {@code error}: {@link FlowEvent.Cancelled}, or {@link FlowEvent.Failed}, after
     * an {@link FlowEvent.ExceptionRaised} (handled by terminating the flow) when a running flow raised it.
     */
    private void emitEnd(Throwable error, long bytesDone, boolean running) {
        final String code = error instanceof FlowException flow ? flow.code() : "FAILED";
        final String message = String.valueOf(error.getMessage());
        if (code.equals("CANCELLED")) {
            emit(new FlowEvent.Cancelled(flowId, cancel.reason() != null ? cancel.reason() : message, bytesDone));
            return;
        }
        if (running) {
            emit(new FlowEvent.ExceptionRaised(flowId, code, message, "terminate"));
        }
        emit(new FlowEvent.Failed(flowId, code, message, bytesDone));
    }

    private void emit(FlowEvent event) {
        if (events.events() != null && event != null) {
            events.events().tell(event);
        }
    }

    /**
     * Gives back the instances and tells the manager the flow ended, before the application hears of it:
     * a flow the application opens next finds the capacity back in the ledger.
     */
    private void releaseLeases() {
        manager.tell(new FlowManager.FlowEnded(flowId));
    }

    /** One sample per stage instance: its bytes in over its busy time, under its stage's kind. */
    private List<FlowManager.RateSample> samples(FlowResult result) {
        final List<FlowManager.RateSample> samples = new ArrayList<>();
        for (FlowResult.StageReport report : result.stages()) {
            final StageCounters counters = report.counters();
            // Stage names are "<1-based stage index>:<kind>[#replica|@lane]".
            final int colon = counters.stage().indexOf(':');
            final int stage;
            try {
                stage = Integer.parseInt(counters.stage().substring(0, Math.max(0, colon))) - 1;
            } catch (NumberFormatException e) {
                continue;
            }
            if (stage >= 0 && stage < spec.stages().size()) {
                samples.add(new FlowManager.RateSample(spec.stages().get(stage).kind(), counters.bytesIn(),
                    counters.busyNs()));
            }
        }
        return samples;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
