package io.flowswitch.cli.experiment;

import io.flowswitch.cli.SizeParser;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.scheduler.Rates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flowswitch experiment fairness}: flows of different weights share one modelled accelerator; each
 * should get the card's rate in proportion to its weight, and when one leaves the others share its part.
 */
@Command(name = "fairness",
    header = "Weighted flows sharing one accelerator: throughput by weight, re-split when one leaves.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "One modelled accelerator ('card', --rate bytes per second) is shared by one flow per --weights entry,"
            + " each file -> card -> file, none reserving a rate. The flow manager splits the card's rate among"
            + " the flows leased on it in proportion to their weights, and again whenever a flow comes or goes;"
            + " each flow's device paces at its part.",
        "",
        "Phase 1: all flows run; after a short settling time each flow's bytes are counted over --seconds."
            + " Phase 2: the last flow leaves (it is cancelled) and the others are counted again. Every 100 ms the"
            + " experiment also samples each flow's rate, for the timeline.",
        "",
        "Target: the first two flows' throughputs are in the ratio of their weights, within 10%.",
        "",
        "Files: fairness.csv/svg (phase, flow, weight, expected and measured rate), timeline.csv/svg (each"
            + " flow's rate over time)."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch experiment fairness",
        "  flowswitch experiment fairness --weights 3,1,2 --rate 64MiB --seconds 5"})
public final class FairnessExperiment extends Experiment {
    private static final double TOLERANCE = 0.10;
    private static final long SETTLE_MS = 300;
    private static final long SAMPLE_MS = 100;

    @Option(names = "--weights", paramLabel = "W,W,...", split = ",", defaultValue = "3,1",
        description = "One flow per weight, each >= 1; at least two. Default: ${DEFAULT-VALUE}.")
    List<Integer> weights;

    @Option(names = "--rate", paramLabel = "SIZE", converter = SizeParser.Converter.class,
        description = "The card's rate, bytes per second. Default: 32MiB (--quick: 16MiB).")
    Long rateBytesPerSecond;

    @Option(names = "--seconds", paramLabel = "S",
        description = "How long each phase is counted. Default: 3 (--quick: 0.6).")
    Double seconds;

    @Option(names = "--chunk", paramLabel = "SIZE", converter = SizeParser.Converter.class, defaultValue = "64KiB",
        description = "Payload bytes per chunk: the grain of the pacing; fewer, larger chunks lose less to the"
            + " stage's own per-chunk work on a busy machine. Default: ${DEFAULT-VALUE}.")
    long chunkBytes;

    @Override
    protected void run(ExperimentOutput output) throws Exception {
        final long rate = orDefault(rateBytesPerSecond, 32L << 20, 16L << 20);
        final double phaseSeconds = orDefault(seconds, 3.0, 0.6);
        if (weights.size() < 2 || weights.stream().anyMatch(w -> w < 1 || w > 1000)) {
            throw usage("--weights needs at least two weights, each 1..1000, got " + weights);
        }
        if (rate < 64 * 1024 || !(phaseSeconds >= 0.1 && phaseSeconds <= 3600) || chunkBytes < 1024
            || chunkBytes > 1 << 20) {
            throw usage("--rate must be >= 64KiB, --seconds 0.1..3600, --chunk 1KiB..1MiB");
        }
        output.heading("one card at %s shared by weights %s, %.1f s per phase", Rates.format(rate), weights,
            phaseSeconds);
        // Enough input that no flow ends before phase 2 does, even alone on the card.
        final long sizeBytes = (long) (rate * (2 * phaseSeconds + 3 * SETTLE_MS / 1000.0 + 1.5));
        try (Scratch scratch = new Scratch(workBase(), "flowswitch-fairness-");
             FlowSwitch node = ExperimentNode.start("flowswitch.accelerators.card { instances = 1,"
                 + " rate-bytes-per-second = " + rate + " }")) {
            final Path in = scratch.random("fairness-in.bin", sizeBytes, 3);
            final List<FlowHandle> flows = new ArrayList<>();
            final Timeline timeline = new Timeline(weights.size());
            for (int i = 0; i < weights.size(); i++) {
                flows.add(node.run(Flows.from(Devices.file(in)).via(StageSpec.of("card"))
                    .to(Devices.fileSink(scratch.file("out-" + i + ".bin"))).chunkBytes((int) chunkBytes)
                    .weight(weights.get(i)).name("weight-" + weights.get(i) + "-" + i).build()));
            }
            for (FlowHandle flow : flows) {
                flow.running().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            final Table table = new Table("phase", "flow", "weight", "expected_bytes_per_second",
                "measured_bytes_per_second", "measured_over_expected");
            final double[] phase1 = phase(output, table, 1, flows, weights, rate, phaseSeconds, timeline);
            final int leaving = flows.size() - 1;
            timeline.mark("flow " + leaving + " leaves");
            flows.get(leaving).cancel("fairness: phase 2 starts");
            flows.get(leaving).completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            final List<FlowHandle> staying = flows.subList(0, leaving);
            phase(output, table, 2, staying, weights.subList(0, leaving), rate, phaseSeconds, timeline);
            for (FlowHandle flow : staying) {
                flow.cancel("fairness: done");
            }
            for (FlowHandle flow : flows) {
                final FlowResult result = flow.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
                if (result.error() != null && !result.error().getMessage().contains("fairness:")) {
                    ExperimentNode.succeeded(result);
                }
            }
            output.csv("fairness", table);
            final List<String> categories = new ArrayList<>();
            final double[] expected = new double[weights.size()];
            final double[] measured = new double[weights.size()];
            final int total = weights.stream().mapToInt(Integer::intValue).sum();
            for (int i = 0; i < weights.size(); i++) {
                categories.add("flow " + i + " (weight " + weights.get(i) + ")");
                expected[i] = (double) rate * weights.get(i) / total / (1 << 20);
                measured[i] = phase1[i] / (1 << 20);
            }
            output.svg("fairness", SvgPlot.bars("Flows sharing one " + Rates.format(rate) + " card", categories,
                    "MiB/s")
                .series("expected (by weight)", null, expected)
                .series("measured", null, measured));
            timeline.write(output);
            final double ratio = phase1[0] / phase1[1];
            final double wanted = (double) weights.get(0) / weights.get(1);
            output.target(String.format(Locale.ROOT, "weights %d:%d give %d:%d +- 10%%", weights.get(0), weights.get(1),
                    weights.get(0), weights.get(1)),
                String.format(Locale.ROOT, "%.3f (%.1f%% off)", ratio, 100 * Math.abs(ratio / wanted - 1)),
                Math.abs(ratio / wanted - 1) <= TOLERANCE);
        }
    }

    /** Counts each flow's bytes over one phase; returns their rates. */
    private static double[] phase(ExperimentOutput output, Table table, int phase, List<FlowHandle> flows,
        List<Integer> weights, long rate, double phaseSeconds, Timeline timeline) throws InterruptedException {
        timeline.sampleFor(flows, SETTLE_MS);
        final long[] start = new long[flows.size()];
        for (int i = 0; i < flows.size(); i++) {
            start[i] = flows.get(i).bytesDone();
        }
        final long startNs = System.nanoTime();
        timeline.sampleFor(flows, (long) (phaseSeconds * 1000));
        final long elapsedNs = System.nanoTime() - startNs;
        final int total = weights.stream().mapToInt(Integer::intValue).sum();
        final double[] rates = new double[flows.size()];
        for (int i = 0; i < flows.size(); i++) {
            rates[i] = (flows.get(i).bytesDone() - start[i]) * 1e9 / elapsedNs;
            final double expected = (double) rate * weights.get(i) / total;
            table.row(phase, i, weights.get(i), expected, rates[i], rates[i] / expected);
            output.line("  phase %d flow %d weight %-3d expected %-10s measured %-10s (%.3f)", phase, i, weights.get(i),
                Rates.format(expected), Rates.format(rates[i]), rates[i] / expected);
        }
        return rates;
    }

    /** Each flow's rate every 100 ms, with labelled moments. */
    private static final class Timeline {
        private final long startNs = System.nanoTime();
        private final List<double[]> samples = new ArrayList<>();
        private final List<String> markLabels = new ArrayList<>();
        private final List<Double> markTimes = new ArrayList<>();
        private final long[] last;
        private long lastNs = startNs;

        Timeline(int flows) {
            last = new long[flows];
        }

        void mark(String label) {
            markLabels.add(label);
            markTimes.add((System.nanoTime() - startNs) / 1e9);
        }

        /** Samples {@code flows} (the first ones of the experiment) every 100 ms for {@code millis}. */
        void sampleFor(List<FlowHandle> flows, long millis) throws InterruptedException {
            final long endNs = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < endNs) {
                Thread.sleep(Math.max(1, Math.min(SAMPLE_MS, (endNs - System.nanoTime()) / 1_000_000)));
                final long nowNs = System.nanoTime();
                final double[] row = new double[last.length + 1];
                row[0] = (nowNs - startNs) / 1e9;
                for (int i = 0; i < last.length; i++) {
                    if (i < flows.size()) {
                        final long done = flows.get(i).bytesDone();
                        row[i + 1] = (done - last[i]) * 1e9 / (nowNs - lastNs);
                        last[i] = done;
                    } else {
                        row[i + 1] = 0;
                    }
                }
                lastNs = nowNs;
                samples.add(row);
            }
        }

        void write(ExperimentOutput output) throws java.io.IOException {
            final String[] columns = new String[last.length + 1];
            columns[0] = "seconds";
            for (int i = 0; i < last.length; i++) {
                columns[i + 1] = "flow_" + i + "_bytes_per_second";
            }
            final Table table = new Table(columns);
            final double[] xs = new double[samples.size()];
            final double[][] ys = new double[last.length][samples.size()];
            for (int s = 0; s < samples.size(); s++) {
                final double[] row = samples.get(s);
                final Object[] cells = new Object[row.length];
                for (int c = 0; c < row.length; c++) {
                    cells[c] = row[c];
                }
                table.row(cells);
                xs[s] = row[0];
                for (int i = 0; i < last.length; i++) {
                    ys[i][s] = row[i + 1] / (1 << 20);
                }
            }
            output.csv("timeline", table);
            final SvgPlot plot = SvgPlot.lines("Each flow's rate over time (100 ms samples)", "seconds", "MiB/s");
            for (int i = 0; i < last.length; i++) {
                plot.series("flow " + i, xs, ys[i]);
            }
            for (int m = 0; m < markLabels.size(); m++) {
                plot.markX(markLabels.get(m), markTimes.get(m));
            }
            output.svg("timeline", plot);
        }
    }
}
