package io.flowswitch.javadsl;

import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.ladder.Receipt;
import io.flowswitch.flow.compile.CompiledFlow;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The application's handle on a running flow: its completion, its progress, and a way to stop it.
 * Thread-safe.
 */
public final class FlowHandle {
    private final long flowId;
    private final CompletableFuture<CompiledFlow> compiled;
    private final CompletableFuture<FlowResult> result;
    private final Consumer<String> canceller;

    FlowHandle(long flowId, CompletableFuture<CompiledFlow> compiled, CompletableFuture<FlowResult> result,
        Consumer<String> canceller) {
        this.flowId = flowId;
        this.compiled = compiled;
        this.result = result;
        this.canceller = canceller;
    }

    public long flowId() {
        return flowId;
    }

    /** Completes when the flow ends, successfully or not: check {@link FlowResult#succeeded()}. */
    public CompletionStage<FlowResult> completion() {
        return result;
    }

    /** Bytes the sink has taken so far (0 until the flow runs). */
    public long bytesDone() {
        final CompiledFlow flow = compiled.getNow(null);
        return flow == null ? 0 : flow.bytesDone();
    }

    /** Bytes the source will produce in all, or -1 when unknown (a socket) or not yet set up. */
    public long totalBytes() {
        final CompiledFlow flow = compiled.getNow(null);
        return flow == null ? -1 : flow.sourceSizeBytes();
    }

    /** Bytes the source has read so far (0 until the flow runs). */
    public long bytesRead() {
        final CompiledFlow flow = compiled.getNow(null);
        return flow == null ? 0 : flow.bytesRead();
    }

    /**
     * The flow's path receipt so far: which instance or software path produced each stage's output, and
     * every exception-ladder step taken with its time and cause. Complete once the flow ended (then also in
     * {@link FlowResult#receipt()}); empty before the flow runs.
     */
    public Receipt receipt() {
        final FlowResult done = result.getNow(null);
        if (done != null) {
            return done.receipt();
        }
        if (!compiled.isDone() || compiled.isCompletedExceptionally()) {
            return Receipt.empty(flowId);
        }
        return compiled.join().receipt();
    }

    /** Completes once the flow's devices and ports are set up and it runs. */
    public CompletionStage<CompiledFlow> running() {
        return compiled;
    }

    /** Stops the flow; its result then carries a CANCELLED error and the sink leaves no partial output. */
    public void cancel(String reason) {
        canceller.accept(reason);
    }
}
