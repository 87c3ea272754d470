package io.flowswitch.bench;

import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.FlowSwitch;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Latency of a whole small flow of five stages, one after another on a warm node: lease, compile (open
 * the file, the devices), run, move one 4 KiB chunk, close, release. The ways a node can run a small flow
 * side by side, one node each, in alternating blocks of flows so that load changes hit all alike:
 * {@code small-flows = direct} with its loop in the supervisor's handler ({@code small-flow-loop =
 * supervisor}, the default) and on a task of the blocking dispatcher ({@code task}: one thread wake-up more
 * per flow), and {@code small-flows = island} (a Pekko Streams island). Prints p50, p99, p99.9, max and the
 * ratios to the task node, and the garbage collections during each node's blocks (the others are idle then).
 * Usage: {@code FlowSetupBench [flows] [dir] [chunk-bytes]}.
 */
public final class FlowSetupBench {
    private static final int BLOCK_FLOWS = 250;
    private static final String[] LABELS = {"direct, loop in supervisor", "direct, loop on a task", "island"};
    private static final String[] CONFIGS = {
        "flowswitch.node { small-flows = direct, small-flow-loop = supervisor }",
        "flowswitch.node { small-flows = direct, small-flow-loop = task }",
        "flowswitch.node.small-flows = island"};

    private FlowSetupBench() {
    }

    public static void main(String[] args) throws Exception {
        final int n = CONFIGS.length;
        final Histogram[] histograms = new Histogram[n];
        final long[] collections = new long[n];
        final FlowSwitch[] nodes = new FlowSwitch[n];
        final int warmUpFlows;
        final int chunkBytes;
        try (SmallFlow small = SmallFlow.fromArgs(args, "setup")) {
            for (int i = 0; i < n; i++) {
                histograms[i] = SmallFlow.newHistogram();
                nodes[i] = FlowSwitch.start(ConfigFactory.parseString(CONFIGS[i]).withFallback(ConfigFactory.load()),
                    DeviceCatalog.builtIn());
            }
            warmUpFlows = small.warmUpFlows();
            chunkBytes = small.chunkBytes;
            for (int f = 0; f < warmUpFlows; f++) {
                for (FlowSwitch node : nodes) {
                    run(node, small.spec);
                }
            }
            for (int block = 0; block < small.flows / BLOCK_FLOWS; block++) {
                // Which node goes first turns with the blocks.
                for (int k = 0; k < n; k++) {
                    final int i = (block + k) % n;
                    collections[i] -= collections();
                    measure(nodes[i], small.spec, histograms[i]);
                    collections[i] += collections();
                }
            }
        } finally {
            for (FlowSwitch node : nodes) {
                if (node != null) {
                    node.close();
                }
            }
        }
        System.out.printf(Locale.ROOT, SmallFlow.DESCRIPTION + "), %d flows each way after %d warm-up,"
            + " in alternating blocks of %d, %d-byte chunks%n", histograms[0].getTotalCount(), warmUpFlows,
            BLOCK_FLOWS, chunkBytes);
        for (int i = 0; i < n; i++) {
            print(LABELS[i], histograms[i], collections[i]);
        }
        final Histogram task = histograms[1];
        for (int i : new int[] {0, 2}) {
            System.out.printf(Locale.ROOT, "  ratio %s / loop on a task  p50 %.2f  p99 %.2f%n", LABELS[i],
                (double) histograms[i].getValueAtPercentile(50) / task.getValueAtPercentile(50),
                (double) histograms[i].getValueAtPercentile(99) / task.getValueAtPercentile(99));
        }
    }

    private static void measure(FlowSwitch node, FlowSpec spec, Histogram histogram) throws Exception {
        for (int i = 0; i < BLOCK_FLOWS; i++) {
            final long startNs = System.nanoTime();
            run(node, spec);
            histogram.recordValue(System.nanoTime() - startNs);
        }
    }

    private static void print(String label, Histogram histogram, long collections) {
        System.out.printf(Locale.ROOT, "  %-28s p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.2f ms  (%d GCs)%n",
            label, ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(99)),
            ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()), collections);
    }

    private static void run(FlowSwitch node, FlowSpec spec) throws Exception {
        SmallFlow.requireSucceeded(node.run(spec).completion().toCompletableFuture().get(30, TimeUnit.SECONDS));
    }

    private static long collections() {
        long count = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
        }
        return count;
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
