package io.flowswitch.cli.experiment;

import io.flowswitch.actors.FlowManager;
import io.flowswitch.cli.SizeParser;
import io.flowswitch.devices.accel.RateLimitKind;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.scheduler.Rates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flowswitch experiment replication}: throughput of a flow through a slow device at 1..N replicas
 * (the paper's claim: k replicas of a device at R carry about k × R until the cores are the limit), and the
 * aggregate of many flows through a stateful stage that each flow keeps pinned to one instance.
 */
@Command(name = "replication",
    header = "Throughput through k replicas of a slow device, and pinned gzip flows side by side.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "Part 1, replicas: a file flows through a modelled accelerator (rate-limit at --rate per instance) into"
            + " a file, with the accelerator replicated 1.." + "--max-replicas times; each replica models its own"
            + " device, and the flow runs as parallel lanes. Expected: k × R, until the machine (reading, writing,"
            + " moving chunks) is the limit. To find that limit each k also runs with an unlimited device (the"
            + " 'ceiling'). Target: at least 0.9 × k × R wherever k × R is below half the ceiling.",
        "",
        "Part 2, pinned: 1..--gzip-flows flows at once, each file -> gzip -> file. gzip is stateful, so the"
            + " scheduler pins each flow to one gzip instance and puts different flows on different instances;"
            + " the experiment watches the ledger while they run (leases per instance never above 1) and checks"
            + " that every output decompresses to its input. Aggregate throughput grows with the flows until the"
            + " cores are busy (gzip is CPU-bound).",
        "",
        "Files: replication.csv/svg (k, expected, measured, ceiling, ratio), pinned.csv/svg (flows, aggregate,"
            + " per-flow, speed-up, leases seen)."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch experiment replication",
        "  flowswitch experiment replication --rate 64MiB --max-replicas 4 --size 256MiB",
        "  flowswitch experiment replication --quick --out /tmp/replication"})
public final class ReplicationExperiment extends Experiment {
    private static final double TARGET = 0.9;

    @Option(names = "--rate", paramLabel = "SIZE", converter = SizeParser.Converter.class,
        description = "Rate of one modelled accelerator, bytes per second. Default: 32MiB (--quick: 16MiB).")
    Long rateBytesPerSecond;

    @Option(names = "--max-replicas", paramLabel = "N",
        description = "Largest replica count; every k from 1 is measured. Default: 8 (--quick: 2).")
    Integer maxReplicas;

    @Option(names = "--size", paramLabel = "SIZE", converter = SizeParser.Converter.class,
        description = "Bytes per flow in part 1. Default: 128MiB (--quick: 4MiB).")
    Long sizeBytes;

    @Option(names = "--runs", paramLabel = "N",
        description = "Runs per point; the median is reported. Default: 3 (--quick: 1).")
    Integer runs;

    @Option(names = "--gzip-flows", paramLabel = "N",
        description = "Most flows at once in part 2, and gzip instances in the pool. Default: 4 (--quick: 2).")
    Integer gzipFlows;

    @Option(names = "--gzip-size", paramLabel = "SIZE", converter = SizeParser.Converter.class,
        description = "Bytes per gzip flow in part 2. Default: 16MiB (--quick: 1MiB).")
    Long gzipSizeBytes;

    @Option(names = "--chunk", paramLabel = "SIZE", converter = SizeParser.Converter.class, defaultValue = "64KiB",
        description = "Payload bytes per chunk. Default: ${DEFAULT-VALUE}.")
    long chunkBytes;

    @Override
    protected void run(ExperimentOutput output) throws Exception {
        final long rate = orDefault(rateBytesPerSecond, 32L << 20, 16L << 20);
        final int replicas = orDefault(maxReplicas, 8, 2);
        final long size = orDefault(sizeBytes, 128L << 20, 4L << 20);
        final int repeat = orDefault(runs, 3, 1);
        final int flows = orDefault(gzipFlows, 4, 2);
        final long gzipSize = orDefault(gzipSizeBytes, 16L << 20, 1L << 20);
        if (rate < RateLimitKind.MIN_RATE_BYTES_PER_SECOND || replicas < 1 || replicas > 64 || size < 1 || repeat < 1
            || flows < 1 || flows > 64 || gzipSize < 1 || chunkBytes < 1024 || chunkBytes > 1 << 20) {
            throw usage("--rate must be >= 1KiB, --max-replicas and --gzip-flows 1..64, --runs >= 1, sizes >= 1 byte,"
                + " --chunk 1KiB..1MiB");
        }
        output.heading("accelerator %s per replica, %s per flow, median of %d", Rates.format(rate),
            Rates.formatBytes(size), repeat);
        try (Scratch scratch = new Scratch(workBase(), "flowswitch-replication-");
             FlowSwitch node = ExperimentNode.start("flowswitch.node.instances { rate-limit = " + replicas
                 + " }\nflowswitch.pool.gzip { instances = " + flows + ", stateful = true }")) {
            replicas(output, node, scratch, rate, replicas, size, repeat);
            pinned(output, node, scratch, flows, gzipSize);
        }
    }

    private void replicas(ExperimentOutput output, FlowSwitch node, Scratch scratch, long rate, int replicas, long size,
        int repeat) throws Exception {
        final Path in = scratch.random("replication-in.bin", size, 1);
        final String expected = Scratch.sha256(in);
        final Path out = scratch.file("replication-out.bin");
        // Warm the path (JIT, pools) with one short unlimited run.
        run(node, in, out, RateLimitKind.MAX_RATE_BYTES_PER_SECOND, 1);
        final Table table = new Table("replicas", "expected_bytes_per_second", "measured_bytes_per_second",
            "ceiling_bytes_per_second", "measured_over_expected", "checked");
        final double[] ks = new double[replicas];
        final double[] expectedRates = new double[replicas];
        final double[] measuredRates = new double[replicas];
        final double[] ceilings = new double[replicas];
        for (int k = 1; k <= replicas; k++) {
            final int lanes = k;
            final double ceiling = median(repeat, () -> run(node, in, out, RateLimitKind.MAX_RATE_BYTES_PER_SECOND,
                lanes).throughputBytesPerSecond());
            final double measured = median(repeat, () -> {
                final FlowResult result = run(node, in, out, rate, lanes);
                final String digest = Scratch.sha256(out);
                if (!digest.equals(expected)) {
                    throw new IllegalStateException("replication: " + lanes + " replicas wrote " + digest
                        + ", expected " + expected);
                }
                return result.throughputBytesPerSecond();
            });
            final double expectedRate = (double) k * rate;
            final boolean checked = expectedRate <= ceiling / 2;
            table.row(k, expectedRate, measured, ceiling, measured / expectedRate, checked);
            ks[k - 1] = k;
            expectedRates[k - 1] = expectedRate / (1 << 20);
            measuredRates[k - 1] = measured / (1 << 20);
            ceilings[k - 1] = ceiling / (1 << 20);
            output.line("  k=%-2d expected %-10s measured %-10s (%.3f of k x R)  ceiling %s%s", k,
                Rates.format(expectedRate), Rates.format(measured), measured / expectedRate, Rates.format(ceiling),
                checked ? "" : "  (cores are the limit: not checked)");
        }
        output.csv("replication", table);
        output.svg("replication", SvgPlot.lines("Flow through k replicas of a " + Rates.format(rate) + " device",
                "replicas k", "MiB/s")
            .reference("k x R", ks, expectedRates)
            .series("measured", ks, measuredRates)
            .reference("ceiling (unlimited device)", ks, ceilings));
        double worst = Double.POSITIVE_INFINITY;
        int worstK = 0;
        for (int i = 0; i < table.size(); i++) {
            if (Boolean.parseBoolean(table.cell(i, 5))) {
                final double ratio = Double.parseDouble(table.cell(i, 4));
                if (ratio < worst) {
                    worst = ratio;
                    worstK = i + 1;
                }
            }
        }
        if (worstK == 0) {
            output.target("k replicas >= 0.9 x k x R", "no point below half the ceiling: lower --rate", false);
        } else {
            output.target("k replicas >= 0.9 x k x R (k x R < ceiling/2)",
                String.format(java.util.Locale.ROOT, "worst %.3f at k=%d", worst, worstK), worst >= TARGET);
        }
    }

    /** One flow through {@code lanes} replicas of the accelerator at {@code rate}. */
    private FlowResult run(FlowSwitch node, Path in, Path out, long rate, int lanes) throws Exception {
        Files.deleteIfExists(out);
        final FlowSpec spec = Flows.from(Devices.file(in))
            .via(Devices.rateLimit(rate, 0), lanes)
            .to(Devices.fileSink(out))
            .chunkBytes((int) chunkBytes)
            .name("replication-" + lanes)
            .build();
        return ExperimentNode.succeeded(node.run(spec).completion().toCompletableFuture().get(10, TimeUnit.MINUTES));
    }

    private void pinned(ExperimentOutput output, FlowSwitch node, Scratch scratch, int flows, long size)
        throws Exception {
        final Path in = scratch.text("pinned-in.txt", size, 2);
        final String expected = Scratch.sha256(in);
        final Table table = new Table("flows", "aggregate_bytes_per_second", "per_flow_bytes_per_second",
            "speedup_over_one_flow", "max_gzip_leases_seen", "max_leases_per_instance_seen");
        final double[] xs = new double[flows];
        final double[] aggregates = new double[flows];
        final double[] linear = new double[flows];
        double single = 0;
        boolean pinnedEverywhere = true;
        // Warm gzip (JIT) before timing.
        gzipFlows(node, scratch, in, 1, expected);
        for (int c = 1; c <= flows; c++) {
            final PinnedRun run = gzipFlows(node, scratch, in, c, expected);
            final double aggregate = (double) c * size * 1e9 / run.elapsedNs();
            if (c == 1) {
                single = aggregate;
            }
            pinnedEverywhere &= run.maxLeasesPerInstance() <= 1;
            table.row(c, aggregate, aggregate / c, aggregate / single, run.maxLeases(), run.maxLeasesPerInstance());
            xs[c - 1] = c;
            aggregates[c - 1] = aggregate / (1 << 20);
            linear[c - 1] = c * single / (1 << 20);
            output.line("  gzip flows=%-2d aggregate %-10s per flow %-10s speed-up %.2f  gzip leases seen %d, per"
                + " instance at most %d", c, Rates.format(aggregate), Rates.format(aggregate / c), aggregate / single,
                run.maxLeases(), run.maxLeasesPerInstance());
        }
        output.csv("pinned", table);
        output.svg("pinned", SvgPlot.lines("Pinned gzip flows side by side", "flows at once", "MiB/s")
            .reference("c x one flow", xs, linear)
            .series("aggregate", xs, aggregates));
        output.target("each gzip flow pinned to its own instance", pinnedEverywhere ? "at most 1 lease per instance"
            : "an instance held 2 or more", pinnedEverywhere);
    }

    private record PinnedRun(long elapsedNs, int maxLeases, int maxLeasesPerInstance) {}

    /** {@code count} gzip flows at once; watches the ledger until they end, checks every output. */
    private PinnedRun gzipFlows(FlowSwitch node, Scratch scratch, Path in, int count, String expected)
        throws Exception {
        final List<Path> outs = new ArrayList<>();
        final List<CompletableFuture<FlowResult>> results = new ArrayList<>();
        final long startNs = System.nanoTime();
        for (int i = 0; i < count; i++) {
            final Path out = scratch.file("pinned-out-" + i + ".gz");
            Files.deleteIfExists(out);
            outs.add(out);
            final FlowHandle handle = node.run(Flows.from(Devices.file(in)).via(Devices.gzip(6)).to(Devices.fileSink(out))
                .chunkBytes((int) chunkBytes).name("pinned-" + i).build());
            results.add(handle.completion().toCompletableFuture());
        }
        final CompletableFuture<Void> all = CompletableFuture.allOf(results.toArray(CompletableFuture[]::new));
        int maxLeases = 0;
        int maxPerInstance = 0;
        while (!all.isDone()) {
            final FlowManager.KindUsage gzip = node.usage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .kinds().get("gzip");
            maxLeases = Math.max(maxLeases, gzip.leases());
            maxPerInstance = Math.max(maxPerInstance, gzip.maxInstanceLeases());
            try {
                all.get(20, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                // Look at the ledger again.
            }
        }
        final long elapsedNs = System.nanoTime() - startNs;
        for (int i = 0; i < count; i++) {
            ExperimentNode.succeeded(results.get(i).join());
            try (InputStream gunzip = new GZIPInputStream(Files.newInputStream(outs.get(i)))) {
                final String digest = Scratch.sha256(gunzip);
                if (!digest.equals(expected)) {
                    throw new IllegalStateException("pinned: flow " + i + " of " + count + " decompresses to " + digest
                        + ", expected " + expected);
                }
            }
        }
        return new PinnedRun(elapsedNs, maxLeases, maxPerInstance);
    }

    private interface Measurement {
        double measure() throws Exception;
    }

    private static double median(int runs, Measurement measurement) throws Exception {
        final double[] values = new double[runs];
        for (int i = 0; i < runs; i++) {
            values[i] = measurement.measure();
        }
        Arrays.sort(values);
        return runs % 2 == 1 ? values[runs / 2] : (values[runs / 2 - 1] + values[runs / 2]) / 2;
    }
}
