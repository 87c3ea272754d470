package io.flowswitch.actors;

import io.flowswitch.devices.stage.StageCounters;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.proto.LeaseReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;

/**
 * One per flow: leases the device instances the flow names, has the flow compiled (off the actor's
 * thread: compiling opens files, sockets and Aeron streams), runs it, and releases every lease when it
 * ends, however it ends, telling the flow manager so that it releases the flow's lease in its ledger. The
 * application hears about the flow through the futures it was given.
 */
public final class FlowSupervisor {
    public sealed interface Command permits Start, Leased, Compiled, Finished, Cancel {}

    /** Begins set-up; sent by the flow manager right after spawning. */
    public record Start() implements Command {}

    record Leased(int stage, ActorRef<DeviceActor.Command> instance, LeaseReply reply, Throwable error)
        implements Command {}

    record Compiled(CompiledFlow flow, Throwable error) implements Command {}

    record Finished(FlowResult result) implements Command {}

    /** Stops the flow; its sink removes partial output and the result says why. */
    public record Cancel(String reason) implements Command {}

    private static final Duration LEASE_TIMEOUT = Duration.ofSeconds(5);

    private final ActorContext<Command> context;
    private final long flowId;
    private final FlowSpec spec;
    private final FlowCompiler compiler;
    private final Executor blockingExecutor;
    private final Map<String, List<ActorRef<DeviceActor.Command>>> instancesByKind;
    private final CompletableFuture<CompiledFlow> compiledFuture;
    private final CompletableFuture<FlowResult> resultFuture;
    private final ActorRef<FlowManager.Command> manager;
    private final List<ActorRef<DeviceActor.Command>> leased = new ArrayList<>();
    /** Why instances refused, per stage, for the rejection's message. */
    private final List<List<String>> refusals = new ArrayList<>();
    private final int[] nextCandidate;
    private final int[] grants;
    private CompiledFlow compiled;
    private String cancelled;
    private long setUpStartNs;

    private FlowSupervisor(ActorContext<Command> context, long flowId, FlowSpec spec, FlowCompiler compiler,
        Executor blockingExecutor, Map<String, List<ActorRef<DeviceActor.Command>>> instancesByKind,
        CompletableFuture<CompiledFlow> compiledFuture, CompletableFuture<FlowResult> resultFuture,
        ActorRef<FlowManager.Command> manager) {
        this.context = context;
        this.manager = manager;
        this.flowId = flowId;
        this.spec = spec;
        this.compiler = compiler;
        this.blockingExecutor = blockingExecutor;
        this.instancesByKind = instancesByKind;
        this.compiledFuture = compiledFuture;
        this.resultFuture = resultFuture;
        this.nextCandidate = new int[spec.stages().size()];
        this.grants = new int[spec.stages().size()];
        spec.stages().forEach(stage -> refusals.add(new ArrayList<>()));
    }

    public static Behavior<Command> create(long flowId, FlowSpec spec, FlowCompiler compiler, Executor blockingExecutor,
        Map<String, List<ActorRef<DeviceActor.Command>>> instancesByKind, CompletableFuture<CompiledFlow> compiled,
        CompletableFuture<FlowResult> result, ActorRef<FlowManager.Command> manager) {
        return Behaviors.setup(context -> new FlowSupervisor(context, flowId, spec, compiler, blockingExecutor,
            instancesByKind, compiled, result, manager).behavior());
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
            .onMessage(Start.class, m -> onStart())
            .onMessage(Leased.class, this::onLeased)
            .onMessage(Compiled.class, this::onCompiled)
            .onMessage(Finished.class, this::onFinished)
            .onMessage(Cancel.class, this::onCancel)
            .build();
    }

    private Behavior<Command> onStart() {
        setUpStartNs = System.nanoTime();
        final List<String> problems = compiler.check(spec);
        if (!problems.isEmpty()) {
            return fail(new FlowException("INVALID_FLOW", String.join("; ", problems)));
        }
        for (int i = 0; i < spec.stages().size(); i++) {
            if (!askNextInstance(i)) {
                return fail(new FlowException("NO_DEVICE", "stage " + (i + 1) + " (" + spec.stages().get(i).kind()
                    + "): this node has no instance of that device kind"));
            }
        }
        return Behaviors.same();
    }

    /** Asks the next untried instance of stage {@code i}'s kind for a lease; false when none is left. */
    private boolean askNextInstance(int stage) {
        final List<ActorRef<DeviceActor.Command>> candidates =
            instancesByKind.getOrDefault(spec.stages().get(stage).kind(), List.of());
        if (nextCandidate[stage] >= candidates.size()) {
            return false;
        }
        final ActorRef<DeviceActor.Command> instance = candidates.get(nextCandidate[stage]++);
        context.ask(LeaseReply.class, instance, LEASE_TIMEOUT,
            replyTo -> new DeviceActor.Lease(flowId, 0, replyTo),
            (reply, error) -> new Leased(stage, instance, reply, error));
        return true;
    }

    private Behavior<Command> onLeased(Leased m) {
        final StageSpec stage = spec.stages().get(m.stage());
        if (m.error() == null && m.reply().getGranted()) {
            leased.add(m.instance());
            grants[m.stage()]++;
            if (grants[m.stage()] < stage.replicas() && !askNextInstance(m.stage())) {
                return fail(refused(m.stage()));
            }
        } else {
            refusals.get(m.stage()).add(m.error() != null ? m.instance().path().name() + ": " + m.error().getMessage()
                : m.reply().getReason());
            if (!askNextInstance(m.stage())) {
                return fail(refused(m.stage()));
            }
        }
        for (int i = 0; i < grants.length; i++) {
            if (grants[i] < spec.stages().get(i).replicas()) {
                return Behaviors.same();
            }
        }
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> compiler.compile(spec, flowId), blockingExecutor),
            Compiled::new);
        return Behaviors.same();
    }

    private FlowException refused(int stage) {
        final StageSpec spec = this.spec.stages().get(stage);
        return new FlowException("ADMISSION_REFUSED", "stage " + (stage + 1) + " (" + spec.kind() + "): "
            + "requested " + spec.replicas() + " instance(s), granted " + grants[stage] + "; " + String.join("; ", refusals.get(stage)));
    }

    private Behavior<Command> onCompiled(Compiled m) {
        if (m.error() != null) {
            return fail(unwrap(m.error()));
        }
        compiled = m.flow();
        compiledFuture.complete(compiled);
        if (cancelled != null) {
            compiled.abort(new FlowException("CANCELLED", "flow " + flowId + " was cancelled: " + cancelled));
        }
        context.getLog().debug("flow {} set up in {} us: {}", flowId, (System.nanoTime() - setUpStartNs) / 1000,
            spec.chain());
        context.pipeToSelf(compiled.run(Materializer.matFromSystem(context.getSystem())),
            (result, error) -> new Finished(result));
        return Behaviors.same();
    }

    private Behavior<Command> onFinished(Finished m) {
        if (m.result() != null && m.result().succeeded()) {
            // Before FlowEnded: the application that hears the flow ended then sees the rates it measured.
            manager.tell(new FlowManager.StagesMeasured(flowId, samples(m.result())));
        }
        releaseLeases();
        resultFuture.complete(m.result());
        return Behaviors.stopped();
    }

    private Behavior<Command> onCancel(Cancel m) {
        cancelled = m.reason();
        if (compiled != null) {
            compiled.abort(new FlowException("CANCELLED", "flow " + flowId + " was cancelled: " + m.reason()));
        }
        return Behaviors.same();
    }

    private Behavior<Command> fail(Throwable error) {
        releaseLeases();
        compiledFuture.completeExceptionally(error);
        resultFuture.complete(new FlowResult(flowId, spec.name(), 0, 0, 0, 0, List.of(), error));
        return Behaviors.stopped();
    }

    /**
     * Gives back the instances and tells the manager the flow ended, before the application hears of it:
     * a flow the application opens next finds the capacity back in the ledger.
     */
    private void releaseLeases() {
        manager.tell(new FlowManager.FlowEnded(flowId));
        for (ActorRef<DeviceActor.Command> instance : leased) {
            instance.tell(new DeviceActor.Release(flowId));
        }
        leased.clear();
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
