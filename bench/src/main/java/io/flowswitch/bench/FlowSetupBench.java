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
 * the file, the devices), run, move one 4 KiB chunk, close, release. Both ways a node can run a small flow
 * side by side ({@code flowswitch.node.small-flows = direct}: its devices in a plain loop; {@code island}:
 * a Pekko Streams island), two nodes in alternating blocks of flows so that load changes hit both alike.
 * Prints p50, p99, p99.9, max and the ratio, and the garbage collections during each node's blocks (the other
 * node is idle then). Usage: {@code FlowSetupBench [flows] [dir] [chunk-bytes]}.
 */
public final class FlowSetupBench {
    private static final int BLOCK_FLOWS = 250;
    /** Collections during the direct node's blocks and the island node's. */
    private static final long[] COLLECTIONS = new long[2];

    private FlowSetupBench() {
    }

    public static void main(String[] args) throws Exception {
        final Histogram direct = SmallFlow.newHistogram();
        final Histogram island = SmallFlow.newHistogram();
        final int warmUpFlows;
        final int chunkBytes;
        try (SmallFlow small = SmallFlow.fromArgs(args, "setup"); FlowSwitch directNode = start("direct");
             FlowSwitch islandNode = start("island")) {
            warmUpFlows = small.warmUpFlows();
            chunkBytes = small.chunkBytes;
            for (int i = 0; i < warmUpFlows; i++) {
                run(directNode, small.spec);
                run(islandNode, small.spec);
            }
            for (int block = 0; block < small.flows / BLOCK_FLOWS; block++) {
                COLLECTIONS[0] -= collections();
                measure(directNode, small.spec, direct);
                COLLECTIONS[0] += collections();
                COLLECTIONS[1] -= collections();
                measure(islandNode, small.spec, island);
                COLLECTIONS[1] += collections();
            }
        }
        System.out.printf(Locale.ROOT, SmallFlow.DESCRIPTION + "), %d flows each way after %d warm-up,"
            + " in alternating blocks of %d, %d-byte chunks%n", direct.getTotalCount(), warmUpFlows, BLOCK_FLOWS,
            chunkBytes);
        print("direct (small-flows = direct)", direct);
        print("island (small-flows = island)", island);
        System.out.printf(Locale.ROOT, "  ratio direct/island  p50 %.2f  p99 %.2f%n",
            (double) direct.getValueAtPercentile(50) / island.getValueAtPercentile(50),
            (double) direct.getValueAtPercentile(99) / island.getValueAtPercentile(99));
        System.out.printf(Locale.ROOT, "  garbage collections during the blocks  direct %d  island %d%n",
            COLLECTIONS[0], COLLECTIONS[1]);
    }

    private static FlowSwitch start(String smallFlows) {
        return FlowSwitch.start(ConfigFactory.parseString("flowswitch.node.small-flows = " + smallFlows)
            .withFallback(ConfigFactory.load()), DeviceCatalog.builtIn());
    }

    private static void measure(FlowSwitch node, FlowSpec spec, Histogram histogram) throws Exception {
        for (int i = 0; i < BLOCK_FLOWS; i++) {
            final long startNs = System.nanoTime();
            run(node, spec);
            histogram.recordValue(System.nanoTime() - startNs);
        }
    }

    private static void print(String label, Histogram histogram) {
        System.out.printf(Locale.ROOT, "  %-30s p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.2f ms%n", label,
            ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(99)),
            ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()));
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
