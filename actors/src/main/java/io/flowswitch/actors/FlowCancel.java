package io.flowswitch.actors;

import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.compile.CompiledFlow;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A flow's cancel, shared by its supervisor and the flow manager. The supervisor serves a {@link
 * FlowSupervisor.Cancel} through {@link #cancel}; but while a small flow's loop runs in the supervisor's
 * handler, its mailbox waits for the loop, and a device in it may block: then the manager's {@link #request}
 * aborts the flow itself, on its own thread. Aborting closes the flow's ends, so a call blocked in them
 * fails and the loop ends. Other flows are aborted on the supervisor's thread, as before (closing their ends
 * may take a socket's goodbye).
 *
 * <p>Thread-safe: the reason and the compiled flow are each published once, and whichever comes second
 * aborts the flow ({@link CompiledFlow#abort} may run more than once).
 */
final class FlowCancel {
    private final long flowId;
    private final AtomicReference<String> reason = new AtomicReference<>();
    /** Written before {@link #flow}, read after it. */
    private boolean loopInSupervisor;
    private volatile CompiledFlow flow;
    /** The last re-plan's counts the manager applied to the lease before the flow compiled; guarded by this. */
    private List<Integer> replicasBeforeCompile;

    FlowCancel(long flowId) {
        this.flowId = flowId;
    }

    /** The manager's cancel: recorded, and served now if the flow's loop holds the supervisor's thread. */
    void request(String why) {
        reason.compareAndSet(null, why);
        final CompiledFlow compiled = flow;
        if (compiled != null && loopInSupervisor) {
            abort(compiled);
        }
    }

    /** The supervisor's cancel: the flow is aborted now if it is compiled, else as soon as it is. */
    void cancel(String why) {
        reason.compareAndSet(null, why);
        final CompiledFlow compiled = flow;
        if (compiled != null) {
            abort(compiled);
        }
    }

    /**
     * The flow is compiled and about to run (on the supervisor's thread when {@code loopInSupervisor}): a
     * cancel that came before is served now.
     */
    void compiled(CompiledFlow compiled, boolean loopInSupervisor) {
        this.loopInSupervisor = loopInSupervisor;
        synchronized (this) {
            flow = compiled;
            if (replicasBeforeCompile != null) {
                compiled.resizeReplicas(replicasBeforeCompile);
            }
        }
        if (reason.get() != null) {
            abort(compiled);
        }
    }

    /**
     * The manager moved the flow's lease to a re-plan's replica counts ({@code replicasByFlowStage}, one per
     * stage of the flow) before the flow was compiled: the flow starts with them, once compiled and before it
     * runs. Once it is compiled this does nothing: its supervisor resizes it as the re-plan's message comes.
     */
    synchronized void replannedBeforeCompile(List<Integer> replicasByFlowStage) {
        if (flow == null) {
            replicasBeforeCompile = List.copyOf(replicasByFlowStage);
        }
    }

    /** The flow once compiled (and about to run), else null: what the manager resizes a re-plan against. */
    CompiledFlow compiledFlow() {
        return flow;
    }

    /** Why the flow was cancelled, or null. */
    String reason() {
        return reason.get();
    }

    private void abort(CompiledFlow compiled) {
        compiled.abort(new FlowException("CANCELLED", "flow " + flowId + " was cancelled: " + reason.get()));
    }
}
