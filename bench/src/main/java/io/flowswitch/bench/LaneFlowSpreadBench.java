package io.flowswitch.bench;

import io.flowswitch.cli.experiment.ExperimentNode;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a lane flow's time spreads, against the direct path's, with the node's Aeron driver thread parking at most
 * 100 us while no flow holds a stream (as before {@code driver-quiet-park}) and at most 1 ms (the default): file,
 * AES-256-GCM encrypt with 2 replicas (2 lanes, which use no Aeron edge), file. The two nodes run one at a time
 * (a node's driver thread wakes whether or not its node is timed), in the order before, after, after, before, each
 * after a warm-up; a first node, not timed, warms the JIT. Each request starts once the node has no open flow; the
 * flow and the direct path alternate. Prints, per way, the flow's and the direct path's percentiles side by side,
 * the flow's p50 over its p5, its p50 over the direct path's, and the CPU time the node's driver thread took per
 * request. The flow's output is compared with the direct path's by SHA-256 on every node.
 *
 * <p>Usage: {@code LaneFlowSpreadBench [size-bytes] [dir] [requests-per-node] [warm-up-requests]}.
 */
public final class LaneFlowSpreadBench {
    private static final String BASE = "flowswitch.small-requests { threshold = 0 }\n";
    private static final String[] LABELS = {"driver parks <= 100 us (before)", "driver parks <= 1 ms (after)"};
    private static final String[] CONFIGS = {
        "flowswitch.node.aeron-stream-pool.driver-quiet-park = 100us",
        "flowswitch.node.aeron-stream-pool.driver-quiet-park = 1ms"};
    private static final int[] ORDER = {0, 1, 1, 0};
    private static final double[] QUANTILES = {0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};

    private LaneFlowSpreadBench() {
    }

    public static void main(String[] args) throws Exception {
        final long size = args.length > 0 ? Long.parseLong(args[0]) : 8L << 20;
        final Path parent = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"));
        final int requests = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        final int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        final Path dir = Files.createTempDirectory(parent, "lane-flow-spread");
        try {
            final Path in = dir.resolve("in");
            final byte[] data = new byte[(int) size];
            new SplittableRandom(size).nextBytes(data);
            Files.write(in, data);
            final Path out = dir.resolve("out");
            final byte[] key = new byte[32];
            new SplittableRandom(3).nextBytes(key);
            final FlowSpec spec = Flows.from(Devices.file(in))
                .via(StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex", "0102030405060708090a0b0c"), 2)
                .to(Devices.fileSink(out)).key("k", key).name("lane-flow-spread").build();
            System.out.printf(Locale.ROOT, "file -> aes-gcm-encrypt x2 (2 lanes) -> file, %s, %d cores, Java %s, load %s;"
                + " %d requests per node after %d warm-up, nodes in the order %s%n", Sizes.format(size),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage(),
                requests, warmUp, Arrays.toString(ORDER));
            try (FlowSwitch node = ExperimentNode.start(BASE + CONFIGS[1])) {
                for (int i = 0; i < 3 * warmUp; i++) {
                    TimedRequest.flow(node, spec, out);
                    TimedRequest.direct(node, spec, out);
                }
            }
            final long[][] flows = new long[LABELS.length][];
            final long[][] directs = new long[LABELS.length][];
            final long[] driverTicks = new long[LABELS.length];
            for (int way : ORDER) {
                try (FlowSwitch node = ExperimentNode.start(BASE + CONFIGS[way])) {
                    checkDigest(node, spec, out);
                    for (int i = 0; i < warmUp; i++) {
                        TimedRequest.flow(node, spec, out);
                        TimedRequest.direct(node, spec, out);
                    }
                    final long[] f = new long[requests];
                    final long[] d = new long[requests];
                    final long ticks = threadTicks("flowswitch-driv");
                    for (int i = 0; i < requests; i++) {
                        f[i] = TimedRequest.flow(node, spec, out);
                        d[i] = TimedRequest.direct(node, spec, out);
                    }
                    driverTicks[way] += threadTicks("flowswitch-driv") - ticks;
                    flows[way] = concat(flows[way], f);
                    directs[way] = concat(directs[way], d);
                }
            }
            System.out.printf(Locale.ROOT, "load %s at the end; us, flow / direct:%n", loadAverage());
            for (int way = 0; way < LABELS.length; way++) {
                final long[] f = sorted(flows[way]);
                final long[] d = sorted(directs[way]);
                final StringBuilder line = new StringBuilder();
                for (double q : QUANTILES) {
                    line.append(String.format(Locale.ROOT, "  p%.0f %5.0f/%5.0f", q * 100, at(f, q) / 1e3, at(d, q) / 1e3));
                }
                System.out.printf(Locale.ROOT, "%-32s%s%n", LABELS[way], line);
                System.out.printf(Locale.ROOT, "%-32s  flow p50/p5 %.2f, direct p50/p5 %.2f, flow p50/direct p50 %.2f,"
                    + " flow p90/p50 %.2f; driver thread %.0f us CPU per flow+direct pair%n", "",
                    (double) at(f, 0.5) / at(f, 0.05), (double) at(d, 0.5) / at(d, 0.05),
                    (double) at(f, 0.5) / at(d, 0.5), (double) at(f, 0.9) / at(f, 0.5),
                    driverTicks[way] * 10_000.0 / f.length);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void checkDigest(FlowSwitch node, FlowSpec spec, Path out) throws Exception {
        TimedRequest.direct(node, spec, out);
        final String expected = sha256(out);
        TimedRequest.flow(node, spec, out);
        final String actual = sha256(out);
        if (!actual.equals(expected)) {
            throw new IllegalStateException("lane flow output SHA-256 " + actual + " differs from the direct path's "
                + expected);
        }
    }

    /** CPU ticks (user and system, 1/100 s) of this process's threads whose name starts with {@code prefix}; Linux. */
    private static long threadTicks(String prefix) {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    final String stat = Files.readString(task.resolve("stat"));
                    final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith(prefix)) {
                        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (IOException | RuntimeException e) {
                    // The thread ended meanwhile.
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks;
    }

    private static long[] concat(long[] a, long[] b) {
        if (a == null) {
            return b;
        }
        final long[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static long[] sorted(long[] values) {
        final long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[(int) (quantile * sorted.length)];
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
