package io.flowswitch.bench;

import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
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
        final int flows = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        final Path dir = Files.createTempDirectory(args.length > 1 ? Path.of(args[1])
            : Path.of(System.getProperty("java.io.tmpdir")), "setup");
        final Path in = Files.write(dir.resolve("in.bin"), new byte[4096]);
        final Path out = dir.resolve("out.bin");
        final FlowSpec spec = Flows.from(Devices.file(in))
            .via(Devices.rateLimit(1L << 40, 0))
            .via(Devices.crc32c())
            .via(Devices.sha256())
            .to(Devices.fileSink(out))
            .chunkBytes(4096)
            .build();
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        try (FlowSwitch node = FlowSwitch.start()) {
            for (int i = 0; i < flows / 5; i++) {
                run(node, spec); // warm-up
            }
            for (int i = 0; i < flows; i++) {
                final long startNs = System.nanoTime();
                run(node, spec);
                histogram.recordValue(System.nanoTime() - startNs);
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(in);
            Files.deleteIfExists(dir);
        }
        System.out.printf(Locale.ROOT, "5-stage flow (file -> rate-limit -> crc32c -> sha256 -> file, one 4 KiB chunk),"
                + " %d flows after %d warm-up%n  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms%n",
            flows, flows / 5, ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(99)),
            ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()));
    }

    private static void run(FlowSwitch node, FlowSpec spec) throws Exception {
        final FlowResult result = node.run(spec).completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (!result.succeeded()) {
            throw new IllegalStateException("flow failed: " + result.error(), result.error());
        }
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
