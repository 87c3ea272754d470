package io.flowswitch.bench;

import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
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
 * the file, the devices, the ports), materialise four islands,  move one 4 KiB chunk, close, release.
 * Small flows run their devices in a plain loop ({@code small-flows = direct}) or as one stream island
 * ({@code island}); both are measured side by side, two nodes in alternating blocks. Prints p50, p99,
 * p99.9 and max of each, and their ratio. Usage: {@code FlowSetupBench [flows] [dir]}.
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
        final Histogram direct = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final Histogram island = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        // Both ways side by side: two nodes, alternating blocks of flows, so load changes hit both alike.
        try (FlowSwitch directNode = start("direct"); FlowSwitch islandNode = start("island")) {
            for (int i = 0; i < flows / 5; i++) {
                run(directNode, spec); // warm-up
                run(islandNode, spec);
            }
            for (int block = 0; block < flows / BLOCK_FLOWS; block++) {
                measure(directNode, spec, direct);
                measure(islandNode, spec, island);
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(in);
            Files.deleteIfExists(dir);
        }
        System.out.printf(Locale.ROOT, "5-stage flow (file -> rate-limit -> crc32c -> sha256 -> file, one 4 KiB chunk),"
            + " %d flows each way after %d warm-up, in alternating blocks of %d%n", direct.getTotalCount(), flows / 5,
            BLOCK_FLOWS);
        print("direct (small-flows = direct)", direct);
        print("island (small-flows = island)", island);
        System.out.printf(Locale.ROOT, "  ratio direct/island  p50 %.2f  p99 %.2f%n",
            (double) direct.getValueAtPercentile(50) / island.getValueAtPercentile(50),
            (double) direct.getValueAtPercentile(99) / island.getValueAtPercentile(99));
    }

    private static final int BLOCK_FLOWS = 250;

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
        final FlowResult result = node.run(spec).completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (!result.succeeded()) {
            throw new IllegalStateException("flow failed: " + result.error(), result.error());
        }
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
