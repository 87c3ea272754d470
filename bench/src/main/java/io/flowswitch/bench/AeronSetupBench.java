package io.flowswitch.bench;

import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.javadsl.FlowSwitch;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Latency of the set-up benchmarks' small flow (see {@link SmallFlow}) with every edge an Aeron IPC stream,
 * one flow after another on a warm node, against the same flow on a node without a pool of streams
 * ({@code flowswitch.node.aeron-stream-pool.max-idle-streams = 0}: each edge adds a publication and a
 * subscription, waits for both to connect, and closes them at the end). Two nodes in alternating blocks of
 * flows so that load changes hit both alike. Prints p50, p99, p99.9, max, the ratio, and each node's pool
 * counts at the end. Usage: {@code AeronSetupBench [flows] [dir] [chunk-bytes]}.
 */
public final class AeronSetupBench {
    private static final int BLOCK_FLOWS = 100;

    private AeronSetupBench() {
    }

    public static void main(String[] args) throws Exception {
        final Histogram pooled = SmallFlow.newHistogram();
        final Histogram unpooled = SmallFlow.newHistogram();
        final int warmUpFlows;
        final int flows;
        final int chunkBytes;
        final String pooledStreams;
        final String unpooledStreams;
        try (SmallFlow small = SmallFlow.fromArgs(args.length > 0 ? args : new String[] {"1000"}, "aeron-setup");
             FlowSwitch pooledNode = start(-1); FlowSwitch unpooledNode = start(0)) {
            final FlowSpec spec = new FlowSpec("setup-aeron", small.spec.stages(), small.chunkBytes,
                Transport.AERON_IPC, FlowSpec.DEFAULT_AERON_PORT_CAPACITY_CHUNKS, Map.of());
            flows = small.flows;
            chunkBytes = small.chunkBytes;
            warmUpFlows = small.warmUpFlows();
            for (int i = 0; i < warmUpFlows; i++) {
                run(pooledNode, spec);
                run(unpooledNode, spec);
            }
            for (int block = 0; block < Math.max(1, flows / BLOCK_FLOWS); block++) {
                measure(pooledNode, spec, pooled);
                measure(unpooledNode, spec, unpooled);
            }
            pooledStreams = pooledNode.ipcStreams().toString();
            unpooledStreams = unpooledNode.ipcStreams().toString();
        }
        System.out.printf(Locale.ROOT, SmallFlow.DESCRIPTION + ", every edge Aeron IPC), %d flows each way after %d"
            + " warm-up, in alternating blocks of %d, %d-byte chunks%n", pooled.getTotalCount(), warmUpFlows, BLOCK_FLOWS,
            chunkBytes);
        print("pooled streams (default)", pooled);
        print("no pool (max-idle-streams = 0)", unpooled);
        System.out.printf(Locale.ROOT, "  ratio no-pool/pooled  p50 %.1f  p99 %.1f%n",
            (double) unpooled.getValueAtPercentile(50) / pooled.getValueAtPercentile(50),
            (double) unpooled.getValueAtPercentile(99) / pooled.getValueAtPercentile(99));
        System.out.println("  pooled node:   " + pooledStreams);
        System.out.println("  unpooled node: " + unpooledStreams);
    }

    /** A node whose pool keeps {@code maxIdleStreams} streams, or the reference default when negative. */
    private static FlowSwitch start(int maxIdleStreams) {
        return FlowSwitch.start(ConfigFactory.parseString(maxIdleStreams < 0 ? ""
                : "flowswitch.node.aeron-stream-pool.max-idle-streams = " + maxIdleStreams)
            .withFallback(ConfigFactory.load()), DeviceCatalog.builtIn());
    }

    private static void measure(FlowSwitch node, FlowSpec spec, Histogram histogram) throws Exception {
        for (int i = 0; i < BLOCK_FLOWS; i++) {
            final long startNs = System.nanoTime();
            run(node, spec);
            histogram.recordValue(Math.min(System.nanoTime() - startNs, histogram.getHighestTrackableValue()));
        }
    }

    private static void run(FlowSwitch node, FlowSpec spec) throws Exception {
        SmallFlow.requireSucceeded(node.run(spec).completion().toCompletableFuture().get(30, TimeUnit.SECONDS));
    }

    private static void print(String label, Histogram histogram) {
        System.out.printf(Locale.ROOT, "  %-32s p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.2f ms%n", label,
            histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
            histogram.getValueAtPercentile(99.9) / 1e6, histogram.getMaxValue() / 1e6);
    }
}
