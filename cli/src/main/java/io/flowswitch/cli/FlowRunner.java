package io.flowswitch.cli;

import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

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
        return run(node, spec, progress, err, null, result -> { });
    }

    /**
     * As {@link #run(FlowSwitch, FlowSpec, boolean, PrintWriter)}, giving {@code ended} the result however it
     * ends. With a {@code stallTimeout}, a flow that moves no byte for that long is cancelled, and the error
     * says so.
     */
    static Outcome run(FlowSwitch node, FlowSpec spec, boolean progress, PrintWriter err, Duration stallTimeout,
        Consumer<FlowResult> ended) {
        final FlowHandle handle = node.run(spec);
        final FlowResult result;
        final ProgressBar bar = ProgressBar.startIf(progress, handle, err);
        final StallWatch watch = stallTimeout == null ? null : StallWatch.start(handle, stallTimeout);
        try {
            result = await(handle);
        } finally {
            if (bar != null) {
                bar.close();
            }
            if (watch != null) {
                watch.close();
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

    /**
     * Runs {@code spec} on the node's direct software path, on this thread, with no flow set up: for a request
     * below a small-request threshold. {@code path} says so in the summary's edge line.
     */
    static Outcome direct(FlowSwitch node, FlowSpec spec, String path, Consumer<FlowResult> ended) {
        final FlowResult result = node.smallRequests().direct(spec);
        ended.accept(result);
        if (!result.succeeded()) {
            final Failure failure = Failure.ofFlow(result.error(), true);
            throw new CliException(failure.exitCode(), failure.message(), result.error());
        }
        return new Outcome(result, List.of(path));
    }

    /** Cancels a flow that has moved no byte, in or out, for its stall timeout. */
    private static final class StallWatch implements AutoCloseable {
        private final ScheduledExecutorService timer;

        private StallWatch(ScheduledExecutorService timer) {
            this.timer = timer;
        }

        static StallWatch start(FlowHandle handle, Duration stallTimeout) {
            final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
                final Thread thread = new Thread(task, "flowswitch-stall-watch-" + handle.flowId());
                thread.setDaemon(true);
                return thread;
            });
            final long timeoutNs = stallTimeout.toNanos();
            final long periodNs = Math.max(1_000_000L, Math.min(timeoutNs / 4, 250_000_000L));
            final long[] last = {-1, System.nanoTime()};
            timer.scheduleAtFixedRate(() -> {
                final long moved = handle.bytesRead() + handle.bytesDone();
                final long nowNs = System.nanoTime();
                if (moved != last[0]) {
                    last[0] = moved;
                    last[1] = nowNs;
                } else if (nowNs - last[1] >= timeoutNs) {
                    handle.cancel("no byte moved for " + stallTimeout.toMillis() + " ms, the policy's timeout");
                    timer.shutdown();
                }
            }, periodNs, periodNs, TimeUnit.NANOSECONDS);
            return new StallWatch(timer);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
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
