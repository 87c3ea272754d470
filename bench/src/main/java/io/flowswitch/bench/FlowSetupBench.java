package io.flowswitch.bench;

import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.FlowSwitch;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Latency of a whole small flow of five stages, one after another on a warm node: lease, compile (open
 * the file, the devices, the ports), materialise four islands, move one 4 KiB chunk, close, release.
 * Prints p50, p99, p99.9 and max. Usage: {@code FlowSetupBench [flows] [dir]}.
 */
public final class FlowSetupBench {
    private FlowSetupBench() {
    }

    public static void main(String[] args) throws Exception {
        final Histogram histogram = SmallFlow.newHistogram();
        final int flows;
        final int warmUpFlows;
        try (SmallFlow small = SmallFlow.fromArgs(args, "setup"); FlowSwitch node = FlowSwitch.start()) {
            flows = small.flows;
            warmUpFlows = small.warmUpFlows();
            for (int i = 0; i < warmUpFlows; i++) {
                run(node, small.spec); // warm-up
            }
            for (int i = 0; i < flows; i++) {
                final long startNs = System.nanoTime();
                run(node, small.spec);
                histogram.recordValue(System.nanoTime() - startNs);
            }
        }
        System.out.printf(Locale.ROOT, SmallFlow.DESCRIPTION + "),"
                + " %d flows after %d warm-up%n  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms%n",
            flows, warmUpFlows, ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(99)),
            ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()));
    }

    private static void run(FlowSwitch node, FlowSpec spec) throws Exception {
        SmallFlow.requireSucceeded(node.run(spec).completion().toCompletableFuture().get(30, TimeUnit.SECONDS));
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
