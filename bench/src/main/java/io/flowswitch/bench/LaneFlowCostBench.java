package io.flowswitch.bench;

import io.flowswitch.cli.experiment.ExperimentNode;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What a mid-size request costs as a flow that runs as lanes, against the direct path, the ways a node can run
 * such a flow side by side: file, AES-256-GCM encrypt with 2 replicas, file, which compiles as 2 lanes
 * (positional file source, lane-safe cipher, positional file sink). Three nodes: {@code lane-flows = stream,
 * kept-pool-bytes = 0} (a stream graph per lane, fresh pools per flow: as before lane loops and kept lane
 * pools), {@code lane-flows = stream} (kept pools), {@code lane-flows = loop} (the default: a plain loop per
 * lane, kept pools). The direct path is the same request on the default node's {@code SmallRequests.direct}
 * (the devices in a plain loop on the caller's thread). Every node is warmed with flows at the smallest size
 * (the JIT: thousands), then each size is timed in alternating blocks so that load changes hit every way alike.
 * Prints each way's median, its ratio to the direct path's median and to the first way's, and the garbage
 * collections during each way's blocks. The
 * flows' and the direct path's outputs are compared by SHA-256 once per size.
 *
 * <p>Usage: {@code LaneFlowCostBench [warm-up-flows] [dir] [flows-at-1MiB]}; at larger sizes the flows are
 * fewer (the same bytes, at least 40).
 */
public final class LaneFlowCostBench {
    private static final int BLOCK_FLOWS = 10;
    private static final long[] SIZES = {1L << 20, 4L << 20, 16L << 20};
    private static final String BASE = "flowswitch.small-requests { threshold = 0 }\n";
    private static final String[] LABELS = {"stream lanes, fresh pools", "stream lanes, kept pools",
        "loop lanes, kept pools"};
    private static final String[] CONFIGS = {
        "flowswitch.node { lane-flows = stream, kept-pool-bytes = 0 }",
        "flowswitch.node { lane-flows = stream }",
        "flowswitch.node { lane-flows = loop }"};

    private LaneFlowCostBench() {
    }

    public static void main(String[] args) throws Exception {
        final int warmUpFlows = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        final Path parent = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"));
        final int flowsAt1MiB = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        final Path dir = Files.createTempDirectory(parent, "lane-flow-cost");
        final int n = CONFIGS.length;
        final FlowSwitch[] nodes = new FlowSwitch[n];
        try {
            for (int i = 0; i < n; i++) {
                nodes[i] = ExperimentNode.start(BASE + CONFIGS[i]);
            }
            final FlowSwitch direct = nodes[n - 1];
            final byte[] key = new byte[32];
            new SplittableRandom(3).nextBytes(key);
            System.out.printf(Locale.ROOT, "file -> aes-gcm-encrypt x2 (2 lanes) -> file, %d cores, Java %s,"
                + " load %s; %d warm-up flows per way at %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), loadAverage(), warmUpFlows, Sizes.format(SIZES[0]));
            for (int s = 0; s < SIZES.length; s++) {
                final long size = SIZES[s];
                final Path in = write(dir.resolve("in-" + size), size);
                final Path out = dir.resolve("out-" + size);
                final FlowSpec spec = Flows.from(Devices.file(in))
                    .via(StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex", "0102030405060708090a0b0c"), 2)
                    .to(Devices.fileSink(out)).key("k", key).name("lane-flow-cost").build();
                if (s == 0) {
                    for (int f = 0; f < warmUpFlows; f++) {
                        for (FlowSwitch node : nodes) {
                            TimedRequest.flow(node, spec, out);
                        }
                        TimedRequest.direct(direct, spec, out);
                    }
                }
                checkDigests(nodes, direct, spec, out);
                final int flows = Math.max(40, (int) (flowsAt1MiB / (size >> 20)));
                final long[][] times = new long[n + 1][flows];
                final long[] collections = new long[n + 1];
                for (int done = 0; done < flows; done += BLOCK_FLOWS) {
                    for (int k = 0; k <= n; k++) {
                        // Which way goes first turns with the blocks.
                        final int way = (done / BLOCK_FLOWS + k) % (n + 1);
                        collections[way] -= collections();
                        for (int f = done; f < Math.min(flows, done + BLOCK_FLOWS); f++) {
                            times[way][f] = way == n ? TimedRequest.direct(direct, spec, out) : TimedRequest.flow(nodes[way], spec, out);
                        }
                        collections[way] += collections();
                    }
                }
                final long directNs = median(times[n]);
                System.out.printf(Locale.ROOT, "%s: %d requests each way, load %s; direct path p50 %.0f us (%d GCs)%n",
                    Sizes.format(size), flows, loadAverage(), directNs / 1e3, collections[n]);
                for (int i = 0; i < n; i++) {
                    final long ns = median(times[i]);
                    System.out.printf(Locale.ROOT, "  %-26s p50 %8.0f us  flow/direct %.2f  extra %6.0f us  (%d GCs)%s%n",
                        LABELS[i], ns / 1e3, (double) ns / directNs, (ns - directNs) / 1e3, collections[i], i == 0 ? ""
                            : String.format(Locale.ROOT, "  %.2f of the first way", (double) ns / median(times[0])));
                }
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
            }
        } finally {
            for (FlowSwitch node : nodes) {
                if (node != null) {
                    node.close();
                }
            }
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Every way's output equals the direct path's (the cipher's fixed salt makes them comparable). */
    private static void checkDigests(FlowSwitch[] nodes, FlowSwitch direct, FlowSpec spec, Path out)
        throws Exception {
        TimedRequest.direct(direct, spec, out);
        final String expected = sha256(out);
        for (int i = 0; i < nodes.length; i++) {
            TimedRequest.flow(nodes[i], spec, out);
            final String actual = sha256(out);
            if (!actual.equals(expected)) {
                throw new IllegalStateException(LABELS[i] + ": output SHA-256 " + actual + " differs from the direct"
                    + " path's " + expected);
            }
        }
    }

    private static Path write(Path file, long size) throws IOException {
        final byte[] data = new byte[(int) size];
        new SplittableRandom(size).nextBytes(data);
        return Files.write(file, data);
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static long collections() {
        long count = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
        }
        return count;
    }

    /** The 1-minute load average, or "?" where the system does not say. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static long median(long[] values) {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
