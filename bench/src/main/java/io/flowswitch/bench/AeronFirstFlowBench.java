package io.flowswitch.bench;

import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What pre-warmed Aeron streams save a fresh node: start a node, time its first and its second flow with four Aeron
 * edges (file, rate-limit never limiting, crc32c, sha256, file; 4 KiB in one 64 KiB-chunk, the default Aeron port),
 * close it; a node with {@code prewarm-streams = 0} and one with the default, alternating, one uncounted round first.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 *     -cp bench/target/flowswitch-bench.jar io.flowswitch.bench.AeronFirstFlowBench [rounds] [dir]
 * </pre>
 */
public final class AeronFirstFlowBench {
    private AeronFirstFlowBench() {
    }

    public static void main(String[] args) throws Exception {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        final Path dir = Files.createTempDirectory(args.length > 1 ? Path.of(args[1])
            : Path.of(System.getProperty("java.io.tmpdir")), "flowswitch-first-flow-");
        final Path in = Files.write(dir.resolve("in.bin"), new byte[4096]);
        final Path out = dir.resolve("out.bin");
        final FlowSpec spec = Flows.from(Devices.file(in)).via(Devices.rateLimit(1L << 40, 0)).via(Devices.crc32c())
            .via(Devices.sha256()).to(Devices.fileSink(out)).transport(Transport.AERON_IPC).build();
        final int[] prewarms = {0, 4};
        final double[][] first = new double[2][rounds];
        final double[][] second = new double[2][rounds];
        try {
            for (int round = -1; round < rounds; round++) {
                for (int p = 0; p < prewarms.length; p++) {
                    try (FlowSwitch node = FlowSwitch.start(ConfigFactory.parseString(
                        "flowswitch.node.aeron-stream-pool.prewarm-streams = " + prewarms[p])
                        .withFallback(ConfigFactory.load()), DeviceCatalog.builtIn())) {
                        final long firstNs = timed(node, spec);
                        final long secondNs = timed(node, spec);
                        if (round >= 0) {
                            first[p][round] = firstNs / 1e6;
                            second[p][round] = secondNs / 1e6;
                            System.out.printf(Locale.ROOT, "round %d, prewarm-streams %d: first flow %.1f ms, second"
                                + " %.1f ms; %s%n", round + 1, prewarms[p], firstNs / 1e6, secondNs / 1e6,
                                node.ipcStreams());
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(in);
            Files.deleteIfExists(dir);
        }
        for (int p = 0; p < prewarms.length; p++) {
            System.out.printf(Locale.ROOT, "prewarm-streams %d: first flow median %.1f ms, second flow median %.1f ms%n",
                prewarms[p], median(first[p]), median(second[p]));
        }
        System.out.printf(Locale.ROOT, "first flow, median without / with: %.2f%n", median(first[0]) / median(first[1]));
    }

    private static long timed(FlowSwitch node, FlowSpec spec) throws Exception {
        final long startNs = System.nanoTime();
        SmallFlow.requireSucceeded(node.run(spec).completion().toCompletableFuture().get(1, TimeUnit.MINUTES));
        return System.nanoTime() - startNs;
    }

    private static double median(double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
