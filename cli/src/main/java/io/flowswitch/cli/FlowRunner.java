package io.flowswitch.cli;

import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs one flow on a node and waits for it, with an optional progress bar. Stateless. */
final class FlowRunner {
    /**
     * A flow that succeeded.
     *
     * @param edges where each edge's chunks travelled, e.g. {@code fused edge 1->2}
     */
    record Outcome(FlowResult result, List<String> edges) {
    }

    private FlowRunner() {
    }

    /**
     * Runs {@code spec} and blocks until it ends. If the waiting thread is interrupted the flow is
     * cancelled (its sink removes partial output).
     *
     * @throws CliException with exit code 3 when the node refused the flow, 1 when it failed
     */
    static Outcome run(FlowSwitch node, FlowSpec spec, boolean progress, PrintWriter err) {
        return run(node, spec, progress, err, result -> { });
    }

    /** As {@link #run(FlowSwitch, FlowSpec, boolean, PrintWriter)}, giving {@code ended} the result however it ends. */
    static Outcome run(FlowSwitch node, FlowSpec spec, boolean progress, PrintWriter err,
        java.util.function.Consumer<FlowResult> ended) {
        final FlowHandle handle = node.run(spec);
        final FlowResult result;
        final ProgressBar bar = ProgressBar.startIf(progress, handle, err);
        try {
            result = await(handle);
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        ended.accept(result);
        final CompiledFlow compiled = handle.running().toCompletableFuture()
            .exceptionally(error -> null).getNow(null);
        if (!result.succeeded()) {
            final Failure failure = Failure.ofFlow(result.error(), compiled != null);
            throw new CliException(failure.exitCode(), failure.message(), result.error());
        }
        return new Outcome(result, compiled == null ? List.of() : compiled.edges());
    }

    private static FlowResult await(FlowHandle handle) {
        final CompletableFuture<FlowResult> completion = handle.completion().toCompletableFuture();
        try {
            return completion.get();
        } catch (InterruptedException e) {
            handle.cancel("interrupted");
            // Give the sink a moment to remove what it wrote; the result then says CANCELLED.
            try {
                return completion.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException again) {
                throw new CliException(ExitCodes.FLOW_FAILED, "interrupted while flow " + handle.flowId() + " ran", e);
            } finally {
                Thread.currentThread().interrupt();
            }
        } catch (ExecutionException e) {
            throw new CliException(ExitCodes.FLOW_FAILED, Failure.of(e.getCause()).message(), e.getCause());
        }
    }
}
