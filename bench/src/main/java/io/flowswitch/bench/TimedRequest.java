package io.flowswitch.bench;

import io.flowswitch.actors.SettledNode;
import io.flowswitch.cli.experiment.ExperimentNode;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.FlowSwitch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One request timed on either path of a node, as the small-requests experiment times them: the output deleted
 * first and the node settled ({@link SettledNode}: no flow open, no lease held, so that no request pays for the
 * last flow's take-down), neither of them timed; a failed request throws.
 */
final class TimedRequest {
    private static final long SETTLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private TimedRequest() {
    }

    /** Runs {@code spec} as a flow on {@code node}; returns the time to its result. */
    static long flow(FlowSwitch node, FlowSpec spec, Path out) throws Exception {
        prepare(node, out);
        final long startNs = System.nanoTime();
        ExperimentNode.succeeded(node.run(spec).completion().toCompletableFuture().get(1, TimeUnit.MINUTES));
        return System.nanoTime() - startNs;
    }

    /** Runs {@code spec} on the direct path of {@code node}; returns its time. */
    static long direct(FlowSwitch node, FlowSpec spec, Path out) throws Exception {
        prepare(node, out);
        final long startNs = System.nanoTime();
        ExperimentNode.succeeded(node.smallRequests().direct(spec));
        return System.nanoTime() - startNs;
    }

    private static void prepare(FlowSwitch node, Path out) throws Exception {
        Files.deleteIfExists(out);
        new SettledNode(node::usage, SETTLE_TIMEOUT_NS).await("a timed request");
    }
}
