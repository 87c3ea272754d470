package io.flowswitch.cli.experiment;

import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flowswitch experiment setup}: the latency of opening and closing a small flow, over many flows one
 * after another on a warm node, and whether the node gives everything back. Each sample is one whole flow
 * from {@link FlowSwitch#run} to its result: check, admit and lease, compile (open the input, create the
 * partial output, devices and ports), materialise, move one chunk, publish the output, release. Writes
 * {@code setup-latency.csv} (one row per flow), {@code setup-percentiles.csv} and {@code setup-latency.svg}.
 *
 * <p>Resources (threads, direct and mapped buffers, file descriptors, Aeron log buffers, leases) are counted
 * after the warm-up and again after the last flow; the command fails unless every count is back at or below
 * its baseline within the settle time. It starts a node of its own, so that no other command's flows count.
 */
@Command(name = "setup",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "Measures flow open + close latency (p50, p90, p99, p99.9, max; HdrHistogram) over many small flows"
            + " of five stages (file-source -> rate-limit -> crc32c -> sha256 -> file-sink, one chunk each) on a"
            + " warm node of its own, then checks that threads, buffers, file descriptors, Aeron streams and leases"
            + " are back at their baseline. Writes setup-latency.csv, setup-percentiles.csv and setup-latency.svg."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done: every flow succeeded and the node gave everything back",
        "1:a flow failed, or a resource stayed above its baseline (the error line says which)",
        "2:usage error (bad option)"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch experiment setup",
        "  flowswitch experiment setup --flows 2000 --warmup 500 --out /tmp/setup",
        "  flowswitch experiment setup --transport aeron"})
public final class SetupExperiment extends Experiment {
    /** The targets of the scheduler issue, drawn on the plot and checked in the summary. */
    static final long TARGET_P50_NS = 500_000;
    static final long TARGET_P99_NS = 2_000_000;

    @Option(names = "--flows", paramLabel = "N", description = "Flows to measure. Default: 10000 (--quick: 1000).")
    Integer flowsOption;

    @Option(names = "--warmup", paramLabel = "N",
        description = "Flows run first and not measured, before the baseline is taken. Default: 20000 (--quick:"
            + " 1000): on two cores the JIT compiles for some seconds of flows, competing with them for the cores;"
            + " after 1000 flows one in a hundred still waits 2-4 ms.")
    Integer warmupOption;

    @Option(names = "--size", paramLabel = "BYTES",
        description = "Bytes each flow moves, in 4 KiB chunks (default: ${DEFAULT-VALUE}: one chunk).")
    int sizeBytes = 4096;

    @Option(names = "--transport", paramLabel = "fused|aeron",
        description = "How chunks travel between stages: fused (a queue; a small flow is then one island) or"
            + " aeron (an Aeron IPC stream per edge) (default: ${DEFAULT-VALUE}).")
    String transportName = "fused";

    @Option(names = "--settle-ms", paramLabel = "MS",
        description = "How long resources may take to come back to their baseline (default: ${DEFAULT-VALUE}).")
    long settleMs = 10_000;

    @Override
    protected void run(ExperimentOutput output) throws Exception {
        final int flows = orDefault(flowsOption, 10_000, 1_000);
        final int warmup = orDefault(warmupOption, 20_000, 1_000);
        if (flows < 1 || warmup < 0 || sizeBytes < 0 || settleMs < 0) {
            throw usage("--flows must be >= 1, --warmup, --size and --settle-ms >= 0; got " + flows + ", " + warmup
                + ", " + sizeBytes + ", " + settleMs);
        }
        final Transport transport = switch (transportName.toLowerCase(Locale.ROOT)) {
            case "fused" -> Transport.FUSED;
            case "aeron", "aeron_ipc" -> Transport.AERON_IPC;
            default -> throw usage("--transport must be fused or aeron, got '" + transportName + "'");
        };
        final long[] samples = new long[flows];
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final ResourceSnapshot baseline;
        ResourceSnapshot after;
        List<String> excess;
        int failures = 0;
        String firstFailure = null;
        final String streams;
        final FlowSpec flow;
        try (Scratch scratch = new Scratch(workBase(), "flowswitch-setup-")) {
            final byte[] bytes = new byte[sizeBytes];
            new Random(1).nextBytes(bytes);
            final Path in = Files.write(scratch.file("in.bin"), bytes);
            flow = Flows.from(Devices.file(in))
                .via(Devices.rateLimit(1L << 40, 0))
                .via(Devices.crc32c())
                .via(Devices.sha256())
                .to(Devices.fileSink(scratch.file("out.bin")))
                .chunkBytes(4096)
                .transport(transport)
                .name("setup")
                .build();
            output.heading("flow open + close: %s, %d B, %s, %d flows after %d warm-up", flow.chain(), sizeBytes,
                transport.name().toLowerCase(Locale.ROOT), flows, warmup);
            try (FlowSwitch node = FlowSwitch.start()) {
                for (int i = 0; i < warmup; i++) {
                    final FlowResult result = runOne(node, flow);
                    if (!result.succeeded()) {
                        fail("a warm-up flow failed: " + result.error().getMessage());
                        return;
                    }
                }
                Thread.sleep(200);
                // The media driver keeps a closed stream's log buffers for a linger time: wait for the warm-up's
                // to go, or they would hide the measured flows' in the baseline. The pool's idle streams stay.
                ResourceSnapshot settled = ResourceSnapshot.take(node);
                final long baselineDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settleMs);
                while (settled.aeronLogBuffers() > settled.idleAeronStreams()
                    && System.nanoTime() < baselineDeadlineNs) {
                    Thread.sleep(100);
                    settled = ResourceSnapshot.take(node);
                }
                baseline = settled;
                for (int i = 0; i < flows; i++) {
                    final long startNs = System.nanoTime();
                    final FlowResult result = runOne(node, flow);
                    final long elapsedNs = System.nanoTime() - startNs;
                    samples[i] = elapsedNs;
                    histogram.recordValue(Math.min(elapsedNs, histogram.getHighestTrackableValue()));
                    if (!result.succeeded()) {
                        failures++;
                        if (firstFailure == null) {
                            firstFailure = String.valueOf(result.error().getMessage());
                        }
                    }
                }
                final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settleMs);
                after = ResourceSnapshot.take(node);
                excess = after.excessOver(baseline);
                while (!excess.isEmpty() && System.nanoTime() < deadlineNs) {
                    Thread.sleep(100);
                    after = ResourceSnapshot.take(node);
                    excess = after.excessOver(baseline);
                }
                streams = node.ipcStreams().toString();
            }
        }
        writeCsv(output, samples, histogram);
        output.text("setup-latency.svg", LatencyPlot.svg(
            "flow open + close, " + flow.stages().size() + " stages, " + flows + " flows (" + transport.name()
                .toLowerCase(Locale.ROOT) + ")",
            List.of(new LatencyPlot.Series("open + close", points(histogram))),
            List.of(new LatencyPlot.Target("target p50 0.5 ms", TARGET_P50_NS),
                new LatencyPlot.Target("target p99 2 ms", TARGET_P99_NS))));
        output.line("  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms",
            ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(90)),
            ms(histogram.getValueAtPercentile(99)), ms(histogram.getValueAtPercentile(99.9)),
            ms(histogram.getMaxValue()));
        output.target("open + close p50 < 0.5 ms", String.format(Locale.ROOT, "%.3f ms",
            ms(histogram.getValueAtPercentile(50))), histogram.getValueAtPercentile(50) < TARGET_P50_NS);
        output.target("open + close p99 < 2 ms", String.format(Locale.ROOT, "%.3f ms",
            ms(histogram.getValueAtPercentile(99))), histogram.getValueAtPercentile(99) < TARGET_P99_NS);
        output.line("  baseline  %s", baseline.describe());
        output.line("  after     %s", after.describe());
        output.line("  pool      %s", streams);
        if (failures > 0) {
            fail(failures + " of " + flows + " flows failed; the first: " + firstFailure);
        }
        if (!excess.isEmpty()) {
            fail("resources not back at their baseline after " + settleMs + " ms: " + String.join("; ", excess));
        } else {
            output.line("  resources back at their baseline");
        }
    }

    private static FlowResult runOne(FlowSwitch node, FlowSpec flow) throws Exception {
        return node.run(flow).completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static void writeCsv(ExperimentOutput output, long[] samples, Histogram histogram) throws IOException {
        try (Writer csv = Files.newBufferedWriter(output.file("setup-latency.csv"), StandardCharsets.UTF_8)) {
            csv.write("flow,open_close_ns\n");
            for (int i = 0; i < samples.length; i++) {
                csv.write(i + 1 + "," + samples[i] + "\n");
            }
        }
        try (Writer csv = Files.newBufferedWriter(output.file("setup-percentiles.csv"), StandardCharsets.UTF_8)) {
            csv.write("percentile,open_close_ns\n");
            for (double p : new double[] {50, 90, 99, 99.9, 99.99, 100}) {
                csv.write(String.format(Locale.ROOT, "%s,%d%n", p, p == 100 ? histogram.getMaxValue()
                    : histogram.getValueAtPercentile(p)));
            }
        }
    }

    private static List<LatencyPlot.Point> points(Histogram histogram) {
        final List<LatencyPlot.Point> points = new ArrayList<>();
        for (double p = 0; p <= 99.99; p = p < 90 ? p + 5 : p < 99 ? p + 1 : p < 99.9 ? p + 0.1 : p + 0.01) {
            points.add(new LatencyPlot.Point(p, histogram.getValueAtPercentile(p)));
        }
        return points;
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
