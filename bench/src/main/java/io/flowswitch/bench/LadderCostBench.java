package io.flowswitch.bench;

import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What an exception ladder costs a flow when nothing fails, side by side in one process: the same flow
 * (file, transform, file, fused) without a ladder and with {@link Ladder#recommended()}, alternating,
 * reporting the median rate of each and their ratio, and the bytes the JVM allocated per chunk (all
 * threads, from {@code com.sun.management.ThreadMXBean}: a long flow minus a short one, over the chunks
 * between them, so set-up cancels out). Usage: {@code LadderCostBench [sizeMiB] [rounds] [dir]}.
 */
public final class LadderCostBench {
    private static final int CHUNK = 64 * 1024;
    private static final int SHORT_CHUNKS = 16;
    /** The stages and devices of a ladder are compiled by the JIT later than those of a plain flow. */
    private static final int WARM_UP_ROUNDS = 5;

    private LadderCostBench() {
    }

    public static void main(String[] args) throws Exception {
        final int sizeMib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        final Path dir = Files.createTempDirectory(args.length > 2 ? Path.of(args[2])
            : Path.of(System.getProperty("java.io.tmpdir")), "ladder-cost");
        final byte[] data = new byte[sizeMib << 20];
        new Random(1).nextBytes(data);
        final Path in = Files.write(dir.resolve("in.bin"), data);
        final Path small = Files.write(dir.resolve("small.bin"), java.util.Arrays.copyOf(data, SHORT_CHUNKS * CHUNK));
        final Path out = dir.resolve("out.bin");
        final byte[] key = new byte[32];
        try (FlowSwitch node = FlowSwitch.start()) {
            System.out.println("device           ladder       MB/s(median)  ratio  B/chunk");
            for (StageSpec device : List.of(Devices.aesGcmEncrypt("k"), Devices.sha256(), Devices.rateLimit(1L << 40, 0))) {
                final List<Double> plain = new ArrayList<>();
                final List<Double> laddered = new ArrayList<>();
                for (int r = 0; r < rounds + WARM_UP_ROUNDS; r++) {
                    final double a = run(node, spec(in, out, device, Ladder.NONE, key)).throughputBytesPerSecond();
                    final double b = run(node, spec(in, out, device, Ladder.recommended(), key))
                        .throughputBytesPerSecond();
                    if (r >= WARM_UP_ROUNDS) {
                        plain.add(a);
                        laddered.add(b);
                    }
                }
                Collections.sort(plain);
                Collections.sort(laddered);
                final double none = plain.get(plain.size() / 2);
                final double with = laddered.get(laddered.size() / 2);
                final long chunks = ((long) sizeMib << 20) / CHUNK - SHORT_CHUNKS;
                System.out.printf(Locale.ROOT, "%-16s %-12s %12.1f  %5s  %7.1f%n", device.kind(), "none", none / 1e6,
                    "", perChunk(node, in, small, out, device, Ladder.NONE, key, chunks));
                System.out.printf(Locale.ROOT, "%-16s %-12s %12.1f  %5.2f  %7.1f%n", device.kind(), "recommended",
                    with / 1e6, with / none, perChunk(node, in, small, out, device, Ladder.recommended(), key, chunks));
            }
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(small);
            Files.deleteIfExists(out);
            Files.deleteIfExists(dir);
        }
    }

    /** Bytes allocated by all threads per chunk: (long flow - short flow) / the chunks between them. */
    private static double perChunk(FlowSwitch node, Path in, Path small, Path out, StageSpec device, Ladder ladder,
        byte[] key, long chunks) throws Exception {
        final long[] longRuns = new long[3];
        final long[] shortRuns = new long[3];
        for (int i = 0; i < 3; i++) {
            long before = allocated();
            run(node, spec(in, out, device, ladder, key));
            longRuns[i] = allocated() - before;
            before = allocated();
            run(node, spec(small, out, device, ladder, key));
            shortRuns[i] = allocated() - before;
        }
        java.util.Arrays.sort(longRuns);
        java.util.Arrays.sort(shortRuns);
        return (double) (longRuns[1] - shortRuns[1]) / chunks;
    }

    private static long allocated() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long id : threads.getAllThreadIds()) {
            final long bytes = threads.getThreadAllocatedBytes(id);
            if (bytes > 0) {
                total += bytes;
            }
        }
        return total;
    }

    private static FlowSpec spec(Path in, Path out, StageSpec device, Ladder ladder, byte[] key) {
        return Flows.from(Devices.file(in)).via(device.withLadder(ladder)).to(Devices.fileSink(out)).key("k", key)
            .chunkBytes(CHUNK).build();
    }

    private static FlowResult run(FlowSwitch node, FlowSpec spec) throws Exception {
        final FlowResult result = node.run(spec).completion().toCompletableFuture().get();
        if (!result.succeeded()) {
            throw new IllegalStateException(result.error());
        }
        return result;
    }
}
