package io.flowswitch.cli.experiment;

import io.flowswitch.devices.fault.Fault;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.ladder.Receipt;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flowswitch experiment faults}: a matrix of device kinds x injected faults x ladder policies, each
 * cell run several times as a real flow (file, device, file) on a node in this process. Per cell: how many
 * runs succeeded and gave output byte-identical to a run without the fault, time to recover (p50, p99: the
 * longest the stage's output stood still, from the receipt), throughput before, during and after the
 * failure (from the sink's progress, sampled), bytes verified and the steps taken. Writes {@code faults.csv}
 * and {@code faults.html} (a table and an SVG chart). Not thread-safe: one instance per command line.
 */
@Command(name = "faults",
    header = "Inject faults into real flows and measure how the exception ladder recovers.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "Runs every combination of --devices, --faults and --policies, --runs times each, as a flow from a file"
            + " through the device to a file, with the fault injected at the middle chunk (for sha256 and crc32c,"
            + " which replay the stream from its start, within their replay buffer: chunk 32 at most). A run counts as"
            + " verified when its output is byte-identical (SHA-256) to a run of the same device without fault;"
            + " each cell first runs once uncounted, so that its figures are those of a warm node.",
        "Policies: retry (retry 3 backoff 1ms), redirect (redirect instance), redirect-kind (redirect kind"
            + " aes-gcm-encrypt: for aes-gcm-card), fallback (fallback software), recommended (retry 2, redirect instance, fallback software). Faults: transient, permanent, crash,"
            + " actor-crash (the device actor of the stage's instance dies; only the flow's supervisor, which watches it,"
            + " starts the ladder: the stall timeout is 10 s for it), stall, slow,"
            + " corrupt (the last only for devices that pass data on unchanged).",
        "Writes DIR/faults.csv and DIR/faults.html. The machine's load shows in every figure: compare cells of"
            + " one run, and the baseline column (the same device without a fault, in the same run). Throughputs are"
            + " at the sink, from its first byte to its last (set-up and the final flush left out).",
        "First, per device, alternating runs without a ladder and with the recommended one and no fault show what"
            + " the ladder costs when nothing fails (medians of 5, after 2 warm-up runs)."},
    footerHeading = "%nExample:%n",
    footer = {"  flowswitch experiment faults --devices aes-gcm-encrypt,rate-limit --faults crash --policies redirect"
        + " --runs 20 --out faults-report"})
public final class FaultsExperiment extends Experiment {
    private static final long SAMPLE_INTERVAL_NS = 1_000_000L;
    private static final int OVERHEAD_RUNS = 5;
    /** Kinds that keep state and replay the stream from its start (gzip resumes at its last checkpoint). */
    private static final List<String> REPLAY_FROM_START = List.of("sha256", "crc32c");

    @Option(names = "--devices", split = ",", paramLabel = "KIND",
        description = "Transform kinds: aes-gcm-encrypt, aes-gcm-card, sha256, crc32c, rate-limit, gzip."
            + " Default: ${DEFAULT-VALUE}.",
        defaultValue = "aes-gcm-encrypt,sha256,rate-limit")
    List<String> devices;

    @Option(names = "--faults", split = ",", paramLabel = "FAULT", defaultValue = "transient,crash,stall",
        description = "Default: ${DEFAULT-VALUE}.")
    List<String> faults;

    @Option(names = "--policies", split = ",", paramLabel = "POLICY", defaultValue = "retry,redirect,fallback",
        description = "Default: ${DEFAULT-VALUE}.")
    List<String> policies;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "10", description = "Runs per cell. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--size-mib", paramLabel = "MIB", defaultValue = "64",
        description = "Input size in MiB. Default: ${DEFAULT-VALUE}.")
    int sizeMib;

    @Option(names = "--chunk-kib", paramLabel = "KIB", defaultValue = "64",
        description = "Chunk size in KiB. Default: ${DEFAULT-VALUE}.")
    int chunkKib;

    @Option(names = "--stall-timeout-ms", paramLabel = "MS", defaultValue = "20",
        description = "The ladder's progress timeout, which detects a stall. Default: ${DEFAULT-VALUE}.")
    int stallTimeoutMs;

    /** One cell's runs, summarised. */
    record Cell(String device, String fault, String policy, int runs, int succeeded, int identical,
        double recoverP50Ms, double recoverP99Ms, double beforeBps, double duringBps, double afterBps,
        double baselineBps, long bytesVerified, String steps) {
    }

    /** The issue's bar: a redirect after a device crash stalls the flow less than this at p99. */
    private static final int REDIRECT_TARGET_MS = 50;
    private static final List<String> CRASHES = List.of("crash", "actor-crash");

    @Override
    protected void run(ExperimentOutput output) throws Exception {
        check();
        final PrintWriter log = output.out();
        final List<Cell> cells = new ArrayList<>();
        try (Scratch scratch = new Scratch(workBase(), "flowswitch-faults");
             FlowSwitch node = FlowSwitch.start()) {
            final Path work = scratch.directory();
            final byte[] key = new byte[32];
            new Random(6).nextBytes(key);
            final Path in = scratch.random("in.bin", (long) sizeMib << 20, 1);
            final int chunkBytes = chunkKib << 10;
            final long middle = ((long) sizeMib << 20) / chunkBytes / 2;
            for (String device : devices) {
                final Path reference = work.resolve("reference.out");
                // Two runs warm the JIT; then, alternating, the device without a ladder and with the recommended
                // one, no fault: the baseline, and what the ladder's replay buffer costs when nothing fails.
                final List<Double> plain = new ArrayList<>();
                final List<Double> laddered = new ArrayList<>();
                for (int r = 0; r < OVERHEAD_RUNS + 2; r++) {
                    final Sampled without = run(node, spec(device, in, reference, key, chunkBytes, null, Ladder.NONE));
                    if (!without.result.succeeded()) {
                        throw new IllegalStateException(device + " fails without a fault: " + without.result.error());
                    }
                    final Sampled with = run(node, spec(device, in, work.resolve("laddered.out"), key, chunkBytes, null,
                        ladder("recommended")));
                    if (r >= 2) {
                        plain.add(without.steadyRate());
                        laddered.add(with.steadyRate());
                    }
                }
                Collections.sort(plain);
                Collections.sort(laddered);
                final String referenceDigest = Scratch.sha256(reference);
                final double baselineBps = percentile(plain, 0.5);
                log.printf(Locale.ROOT, "%-16s no fault: %7.1f MB/s without a ladder, %7.1f MB/s with the recommended"
                    + " one (ratio %.2f; medians of %d)%n", device, baselineBps / 1e6, percentile(laddered, 0.5) / 1e6,
                    percentile(laddered, 0.5) / baselineBps, OVERHEAD_RUNS);
                for (String fault : faults) {
                    if (fault.equals("corrupt") && !List.of("sha256", "crc32c", "rate-limit").contains(device)) {
                        continue;
                    }
                    for (String policy : policies) {
                        // A device that replays the stream from its start: the fault must fall in the buffer.
                        final long at = REPLAY_FROM_START.contains(device)
                            ? Math.min(middle, Ladder.DEFAULT_REPLAY_CHUNKS / 2)
                            : middle;
                        final Cell cell = cell(node, device, fault, policy, in, key, chunkBytes, at, referenceDigest,
                            baselineBps, work);
                        cells.add(cell);
                        log.printf(Locale.ROOT, "%-16s %-10s %-12s ok %2d/%-2d identical %2d  recover p50 %7.2f ms"
                                + " p99 %7.2f ms  MB/s before %7.1f during %7.1f after %7.1f (baseline %7.1f)  %s%n",
                            device, fault, policy, cell.succeeded(), cell.runs(), cell.identical(), cell.recoverP50Ms(),
                            cell.recoverP99Ms(), cell.beforeBps() / 1e6, cell.duringBps() / 1e6, cell.afterBps() / 1e6,
                            baselineBps / 1e6, cell.steps());
                        log.flush();
                    }
                }
            }
        }
        output.text("faults.csv", csv(cells));
        output.text("faults.html", FaultsReport.html(cells, sizeMib, chunkKib, runs));
        for (Cell cell : cells) {
            if (cell.policy().equals("redirect") && CRASHES.contains(cell.fault())) {
                output.target(String.format(Locale.ROOT, "%s %s: redirect p99 < %d ms, nothing lost", cell.device(),
                        cell.fault(), REDIRECT_TARGET_MS),
                    String.format(Locale.ROOT, "%.1f ms, %d/%d identical", cell.recoverP99Ms(), cell.identical(),
                        cell.runs()),
                    cell.recoverP99Ms() < REDIRECT_TARGET_MS && cell.identical() == cell.runs());
            }
        }
    }

    private Cell cell(FlowSwitch node, String device, String fault, String policy, Path in, byte[] key, int chunkBytes,
        long middle, String referenceDigest, double baselineBps, Path work) throws Exception {
        int succeeded = 0;
        int identical = 0;
        long verified = 0;
        final List<Double> recoverMs = new ArrayList<>();
        double before = 0;
        double during = 0;
        double after = 0;
        int windows = 0;
        String steps = "";
        // One run first, not counted: the recovery path's first use loads and compiles its code (a cell's p99 of
        // 30 runs is its slowest run, and was the cold one: 45-85 ms for the first actor-crash cell, 3-10 ms after).
        run(node, spec(device, in, work.resolve("warm-up.out"), key, chunkBytes, fault(fault, middle),
            ladder(policy, fault)));
        Files.deleteIfExists(work.resolve("warm-up.out"));
        for (int r = 0; r < runs; r++) {
            final Path output = work.resolve("run.out");
            final Sampled run = run(node, spec(device, in, output, key, chunkBytes, fault(fault, middle),
                ladder(policy, fault)));
            final FlowResult result = run.result;
            final List<Receipt.StepTaken> taken = result.receipt().steps();
            steps = taken.stream().map(Receipt.StepTaken::action).distinct().collect(Collectors.joining("; "));
            if (!result.succeeded()) {
                steps = steps + (steps.isEmpty() ? "" : "; ") + "ended: " + firstWords(result.error().getMessage());
                continue;
            }
            succeeded++;
            if (Scratch.sha256(output).equals(referenceDigest)) {
                identical++;
                verified += Files.size(output);
            }
            final Receipt.Audit worst = result.receipt().audits().stream()
                .max(java.util.Comparator.comparingLong(Receipt.Audit::maxStallNs)).orElse(null);
            if (!taken.isEmpty() && worst != null && worst.recoveries() > 0) {
                recoverMs.add(worst.maxStallNs() / 1e6);
                final long failNs = worst.maxStallStartNs();
                final long recoveredNs = failNs + worst.maxStallNs();
                final double[] rates = run.rates(failNs, recoveredNs);
                before += rates[0];
                during += rates[1];
                after += rates[2];
                windows++;
            }
            Files.deleteIfExists(output);
        }
        Collections.sort(recoverMs);
        return new Cell(device, fault, policy, runs, succeeded, identical, percentile(recoverMs, 0.50),
            percentile(recoverMs, 0.99), windows == 0 ? 0 : before / windows, windows == 0 ? 0 : during / windows,
            windows == 0 ? 0 : after / windows, baselineBps, verified, steps);
    }

    private static String firstWords(String message) {
        return message == null ? "" : message.length() > 120 ? message.substring(0, 120) + "..." : message;
    }

    /** A run with the sink's progress sampled every millisecond. */
    private static final class Sampled {
        final long[] timesNs = new long[1 << 16];
        final long[] bytes = new long[1 << 16];
        int samples;
        long startNs;
        long endNs;
        FlowResult result;

        /**
         * Bytes per second at the sink before {@code failNs} (from its first byte), between it and {@code
         * recoveredNs}, and after.
         */
        double[] rates(long failNs, long recoveredNs) {
            final long atFail = bytesAt(failNs);
            final long atRecovered = bytesAt(recoveredNs);
            final long total = result.bytesOut();
            long firstNs = startNs;
            for (int i = 0; i < samples; i++) {
                if (bytes[i] > 0) {
                    firstNs = i == 0 ? timesNs[0] : timesNs[i - 1];
                    break;
                }
            }
            return new double[] {
                rate(atFail, failNs - firstNs),
                rate(atRecovered - atFail, recoveredNs - failNs),
                rate(total - atRecovered, endNs - recoveredNs)};
        }

        /**
         * Bytes per second at the sink from its first byte to its last, as the before/during/after rates are
         * measured (set-up and the sink's final flush left out).
         */
        double steadyRate() {
            final long total = result.bytesOut();
            long firstNs = -1;
            long lastNs = endNs;
            for (int i = 0; i < samples; i++) {
                if (firstNs < 0 && bytes[i] > 0) {
                    firstNs = i == 0 ? timesNs[0] : timesNs[i - 1];
                }
                if (bytes[i] >= total) {
                    lastNs = timesNs[i];
                    break;
                }
            }
            return rate(total, lastNs - (firstNs < 0 ? startNs : firstNs));
        }

        private long bytesAt(long ns) {
            long value = 0;
            for (int i = 0; i < samples && timesNs[i] <= ns; i++) {
                value = bytes[i];
            }
            return value;
        }

        private static double rate(long bytes, long ns) {
            return ns <= 0 ? 0 : bytes * 1e9 / ns;
        }
    }

    private static Sampled run(FlowSwitch node, FlowSpec spec) throws Exception {
        final Sampled sampled = new Sampled();
        sampled.startNs = System.nanoTime();
        final FlowHandle handle = node.run(spec);
        final var completion = handle.completion().toCompletableFuture();
        while (!completion.isDone() && sampled.samples < sampled.timesNs.length) {
            sampled.timesNs[sampled.samples] = System.nanoTime();
            sampled.bytes[sampled.samples] = handle.bytesDone();
            sampled.samples++;
            try {
                completion.get(SAMPLE_INTERVAL_NS, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // sample again
            }
        }
        sampled.result = completion.get(5, TimeUnit.MINUTES);
        sampled.endNs = System.nanoTime();
        return sampled;
    }

    private FlowSpec spec(String device, Path in, Path output, byte[] key, int chunkBytes, Fault fault, Ladder ladder) {
        StageSpec stage = switch (device) {
            case "aes-gcm-encrypt" -> Devices.aesGcmEncrypt("k");
            case "aes-gcm-card" -> StageSpec.of("aes-gcm-card", "key", "k");
            case "sha256" -> Devices.sha256();
            case "crc32c" -> Devices.crc32c();
            case "gzip" -> Devices.gzip(1);
            case "rate-limit" -> Devices.rateLimit(1L << 30, 0);
            default -> throw usage("--devices: unknown kind '" + device + "'");
        };
        stage = stage.withLadder(ladder);
        if (fault != null) {
            stage = stage.withFault(fault);
        }
        if (device.startsWith("aes-gcm")) {
            // A fixed salt: every run's ciphertext can then be compared with the reference run's.
            final java.util.Map<String, String> params = new java.util.TreeMap<>(stage.params());
            params.put("salt-hex", "000102030405060708090a0b");
            stage = new StageSpec(stage.kind(), params, stage.replicas(), stage.ladder());
        }
        return Flows.from(Devices.file(in)).via(stage).to(Devices.fileSink(output)).key("k", key)
            .chunkBytes(chunkBytes).name("faults-" + device).build();
    }

    private static Fault fault(String fault, long middle) {
        return Fault.parse(fault.equals("slow") ? "slow@" + middle + ":1ms" : fault + "@" + middle, "--faults");
    }

    /**
     * The ladder of {@code policy} for a run with {@code fault}: an actor crash is left to the flow's
     * supervisor to detect (a stall timeout of 10 s, out of reach), so that its time to recover is the watch's.
     */
    private Ladder ladder(String policy, String fault) {
        return fault.equals("actor-crash") ? ladder(policy).withStallTimeout(Duration.ofSeconds(10)) : ladder(policy);
    }

    private Ladder ladder(String policy) {
        final Ladder ladder = switch (policy) {
            case "retry" -> Ladder.of(new Ladder.Retry(3, 1_000_000L));
            case "redirect" -> Ladder.of(new Ladder.RedirectInstance());
            case "fallback" -> Ladder.of(new Ladder.FallbackSoftware());
            case "redirect-kind" -> Ladder.of(new Ladder.RedirectKind("aes-gcm-encrypt"));
            case "recommended" -> Ladder.recommended();
            case "none" -> Ladder.NONE;
            default -> throw usage("--policies: unknown policy '" + policy
                + "'; known: retry, redirect, redirect-kind, fallback, recommended, none");
        };
        return ladder.withStallTimeout(Duration.ofMillis(stallTimeoutMs));
    }

    private void check() {
        requireBetween("--runs", runs, 1, 10_000);
        requireBetween("--size-mib", sizeMib, 1, 4096);
        requireBetween("--chunk-kib", chunkKib, 1, 1024);
        requireBetween("--stall-timeout-ms", stallTimeoutMs, 1, 60_000);
        for (String fault : faults) {
            if (!List.of("transient", "permanent", "crash", "actor-crash", "stall", "slow", "corrupt").contains(fault)) {
                throw usage("--faults: unknown fault '" + fault
                    + "'; known: transient, permanent, crash, actor-crash, stall, slow, corrupt");
            }
        }
        policies.forEach(this::ladder);
        devices.forEach(d -> spec(d, Path.of("x"), Path.of("y"), new byte[32], 65536, null, Ladder.NONE));
    }

    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        final int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static String csv(List<Cell> cells) {
        final StringBuilder sb = new StringBuilder("device,fault,policy,runs,succeeded,identical,recover_p50_ms,"
            + "recover_p99_ms,before_MBps,during_MBps,after_MBps,baseline_MBps,bytes_verified,steps\n");
        for (Cell c : cells) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%.3f,%.3f,%.1f,%.1f,%.1f,%.1f,%d,\"%s\"%n",
                c.device(), c.fault(), c.policy(), c.runs(), c.succeeded(), c.identical(), c.recoverP50Ms(),
                c.recoverP99Ms(), c.beforeBps() / 1e6, c.duringBps() / 1e6, c.afterBps() / 1e6, c.baselineBps() / 1e6,
                c.bytesVerified(), c.steps().replace("\"", "'")));
        }
        return sb.toString();
    }
}
