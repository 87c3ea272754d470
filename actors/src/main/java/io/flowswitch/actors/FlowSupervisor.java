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
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;

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
    public sealed interface Command permits Start, Compiled, Finished, Cancel {}

    /** Begins set-up; sent by the flow manager right after spawning. */
    public record Start() implements Command {}

    record Compiled(CompiledFlow flow, Throwable error) implements Command {}

    record Finished(FlowResult result) implements Command {}

    /** Stops the flow; its sink removes partial output and the result says why. */
    public record Cancel(String reason) implements Command {}

    private final ActorContext<Command> context;
    private final long flowId;
    private final FlowSpec spec;
    private final FlowCompiler compiler;
    private final CompletableFuture<CompiledFlow> compiledFuture;
    private final CompletableFuture<FlowResult> resultFuture;
    private final ActorRef<FlowManager.Command> manager;
    private CompiledFlow compiled;
    private String cancelled;
    private long setUpStartNs;

    private FlowSupervisor(ActorContext<Command> context, long flowId, FlowSpec spec, FlowCompiler compiler,
        CompletableFuture<CompiledFlow> compiledFuture,
        CompletableFuture<FlowResult> resultFuture, ActorRef<FlowManager.Command> manager) {
        this.context = context;
        this.manager = manager;
        this.flowId = flowId;
        this.spec = spec;
        this.compiler = compiler;
        this.compiledFuture = compiledFuture;
        this.resultFuture = resultFuture;
    }

    /** Spawn it on {@link CompiledFlow#BLOCKING_DISPATCHER}: its set-up opens files and sockets. */
    public static Behavior<Command> create(long flowId, FlowSpec spec, FlowCompiler compiler,
        CompletableFuture<CompiledFlow> compiled, CompletableFuture<FlowResult> result,
        ActorRef<FlowManager.Command> manager) {
        return Behaviors.setup(context -> new FlowSupervisor(context, flowId, spec, compiler, compiled, result,
            manager).behavior());
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
            .onMessage(Start.class, m -> onStart())
            .onMessage(Compiled.class, this::onCompiled)
            .onMessage(Finished.class, this::onFinished)
            .onMessage(Cancel.class, this::onCancel)
            .build();
    }

    private Behavior<Command> onStart() {
        setUpStartNs = System.nanoTime();
        CompiledFlow flow;
        try {
            flow = compiler.compile(spec, flowId);
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
