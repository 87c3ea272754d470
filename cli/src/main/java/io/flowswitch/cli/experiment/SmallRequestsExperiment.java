package io.flowswitch.cli.experiment;

import io.flowswitch.actors.JitActivity;
import io.flowswitch.actors.JitQuiet;
import io.flowswitch.actors.SettledNode;
import io.flowswitch.cli.SizeParser;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.javadsl.SmallRequests;
import io.flowswitch.scheduler.PathCrossing;
import io.flowswitch.scheduler.Rates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flowswitch experiment small-requests}: what a request costs as a flow, on the direct software path
 * (bypass), and on the direct path batched, over a sweep of sizes; where the flow starts to pay for itself;
 * and how close the node's calibrated threshold comes to that point. Each size is measured twice: file to file
 * (both paths pay for creating, writing and publishing an output file) and into a sink the caller reads back
 * (the SHA-256 of the output, {@code sha256-sink}, on both paths), which leaves the architecture's own cost.
 */
@Command(name = "small-requests",
    header = "Request size sweep: flow path vs bypass vs batched bypass, and the calibrated threshold.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "A request is: encrypt a file of SIZE random bytes with AES-256-GCM into another file (or, with --request"
            + " accel, pass it through a modelled accelerator). For each size from --min-size to --max-size"
            + " (doubling), the experiment times requests three ways:",
        "  flow     as a flow (FlowSwitch.run, one replica of the cipher per core), one request at a time;",
        "  bypass   on the direct software path (the same devices in a plain loop on the caller's thread), one"
            + " at a time, alternating with the flow requests; both report the median request;",
        "  batched  on the direct path through the node's batcher, --concurrency callers at once (time per"
            + " request = wall time / requests).",
        "Flow and bypass are timed twice per size: file to file (both create, write and publish an output file: file"
            + " system work either path pays), and into a sink the caller reads back (sha256-sink: the request's"
            + " output is its SHA-256, in the result) on both paths, which measures what a flow costs beyond the"
            + " direct loop. The two paths' digests must agree (with --request aes, a fixed salt makes them"
            + " comparable).",
        "Every flow and bypass request is timed on a settled node: before it starts, the experiment waits until no"
            + " flow is open and no lease held (the node's usage): the last flow's supervisor, and every actor under"
            + " it, has stopped. A flow's result completes before that, and without the wait the request after it"
            + " (either path) could pay for the take-down running on another core. The wait is not timed; a node"
            + " that does not settle within --settle-timeout fails the run.",
        "After --warm-up requests on each path, passes over every size until the JIT has gone quiet"
            + " (--warm-up-limit: a node keeps getting faster for its first minute or so of flows, and the calibration"
            + " and the sweep must time the same node) and one calibration (printed, not judged: a node's first"
            + " calibration has the JIT compile its own mix of requests), the doubling sweep runs; then the node"
            + " calibrates its threshold on the same request (its own sweep of both paths up to --calibration-size, see"
            + " docs/scheduler.md), and the finer sweep follows. Below the best fixed threshold bypass"
            + " is cheaper, above it the flow is. The doubling sweep finds the two sizes between which the paired gap"
            + " (each file-to-file flow minus the bypass timed beside it) changes sign; --crossing-rounds rounds over"
            + " 7 sizes from half the lower to twice the upper (within the sweep) then measure the gap finer (when the"
            + " paths cost nearly the same per byte, two sizes 2x apart say little). Printed as well: where the"
            + " least-squares line through the gaps around the sign change crosses zero.",
        "",
        "Targets: at 1 KiB, bypass at least 5x faster than the flow path, judged on the caller-sink figures (the"
            + " file-to-file ratio is printed beside it); the calibrated threshold (file to file) within 20%% of the"
            + " best fixed threshold found by the sweep: the thresholds that send each size it measured (the finer"
            + " sizes, when there are) the cheaper way by their median paired gaps. Between two neighbouring sizes"
            + " every threshold does the same, so the best is a range; inside it is 0%%, else the distance to its"
            + " nearer end.",
        "",
        "Files: small-requests.csv (size, microseconds per request for each path, file to file and into the"
            + " caller's sink), small-requests.svg (the curves on a log size axis, the calibrated threshold and the"
            + " crossing marked), small-requests-crossing.csv (the finer sweep: size, median paired gap)."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch experiment small-requests",
        "  flowswitch experiment small-requests --max-size 64MiB --concurrency 8 --work /dev/shm",
        "  flowswitch experiment small-requests --request accel --accel-rate 64MiB --replicas 4"})
public final class SmallRequestsExperiment extends Experiment {
    private static final double SPEED_UP_TARGET = 5;
    private static final double THRESHOLD_TOLERANCE = 0.2;
    /** The size a tenth of the warm-up runs at, on each path: many chunks, as lanes on the flow path. */
    private static final long LANE_WARM_UP_BYTES = 1L << 20;
    /** Passes over every size of the sweep before calibrating: --warm-up divided by this. */
    private static final int SWEEP_WARM_UP_DIVISOR = 250;
    /** The finer sweep across the crossing's bracket, widened: this many steps, evenly on a log axis. */
    private static final int CROSSING_STEPS = 6;
    /** The JIT is quiet when it compiled for at most this share of so many windows this long in a row. */
    private static final double JIT_QUIET_SHARE = 0.02;
    private static final long JIT_WINDOW_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int JIT_QUIET_WINDOWS = 2;

    /** What one request does. */
    enum Request { AES, ACCEL }

    @Option(names = "--request", paramLabel = "aes|accel", defaultValue = "aes",
        description = "aes: AES-256-GCM on the CPU, the flow with one cipher replica per core. accel: a modelled"
            + " accelerator (rate-limit at --accel-rate), the flow with --replicas of it, the direct path with one:"
            + " a per-byte advantage that does not depend on idle cores. Default: ${DEFAULT-VALUE}.")
    Request kind;

    @Option(names = "--accel-rate", paramLabel = "SIZE", converter = SizeParser.Converter.class,
        defaultValue = "64MiB", description = "With --request accel: one accelerator's rate. Default: ${DEFAULT-VALUE}.")
    long accelRate;

    @Option(names = "--replicas", paramLabel = "N",
        description = "Replicas on the flow path. Default: one per core (aes), 4 (accel).")
    Integer flowReplicas;

    @Option(names = "--min-size", paramLabel = "SIZE", converter = SizeParser.Converter.class, defaultValue = "1KiB",
        description = "Smallest request. Default: ${DEFAULT-VALUE}.")
    long minSize;

    @Option(names = "--max-size", paramLabel = "SIZE", converter = SizeParser.Converter.class,
        description = "Largest request. Default: 32MiB, with accel 4MiB (--quick: 64KiB).")
    Long maxSize;

    @Option(names = "--bytes-per-point", paramLabel = "SIZE", converter = SizeParser.Converter.class,
        description = "Bytes each path moves per size (at least 5 and at most 200 requests; 3 for huge sizes)."
            + " Default: 128MiB, with accel 32MiB (--quick: 256KiB).")
    Long bytesPerPoint;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
        description = "Callers submitting batched requests at once. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--calibration-size", paramLabel = "SIZE", converter = SizeParser.Converter.class,
        description = "The large request calibration times on each path. Default: 16MiB, with accel 2MiB.")
    Long calibrationSize;

    @Option(names = "--warm-up", paramLabel = "N",
        description = "1 KiB requests on each path before anything is timed or calibrated, then a tenth as many of"
            + " 1 MiB (code that only larger requests reach, such as lanes), then N/250 passes over every size of the"
            + " sweep: a flow's set-up keeps getting cheaper over its first few thousand runs (JIT), and a threshold"
            + " calibrated on a colder node comes out too high. Default: 5000 (--quick: 10).")
    Integer warmUpRuns;

    @Option(names = "--warm-up-limit", paramLabel = "SECONDS",
        description = "After --warm-up, passes over every size of the sweep go on until the JIT compiles for less"
            + " than 2%% of two 10 s windows in a row, or for this long at most, then calibrates once, not judged (0: no"
            + " such passes, no such calibration). Default: 180 (--quick: 0).")
    Integer warmUpLimitOption;

    @Option(names = "--crossing-rounds", paramLabel = "N",
        description = "Rounds of the finer sweep across the bracket where the flow starts to pay for itself (7 sizes,"
            + " a flow and a bypass request each per round); 0: judge by the doubling sweep alone. Default: 40"
            + " (--quick: 3).")
    Integer crossingRoundsOption;

    @Option(names = "--settle-timeout", paramLabel = "MS", defaultValue = "10000",
        description = "How long to wait, in milliseconds, for the node to settle (no flow open, no lease held)"
            + " before a timed request; the run fails if it does not. Default: ${DEFAULT-VALUE}.")
    long settleTimeoutMs;

    private int warmUp;
    private int warmUpLimitS;
    private int crossingRounds;
    private SettledNode settled;
    /** The warm-up's waits, apart from those before timed requests (which the summary reports). */
    private SettledNode warmUpSettled;

    /**
     * Medians per request: file to file (flow, bypass, batched) and into the caller's digest sink (flow, bypass);
     * and the median of the paired file-to-file gaps, each flow minus the bypass timed right after it.
     */
    record Point(long size, double flowNs, double bypassNs, double batchedNs, double flowSinkNs, double bypassSinkNs,
        long gapNs) {
        Point(long size, double flowNs, double bypassNs, double batchedNs) {
            this(size, flowNs, bypassNs, batchedNs, Double.NaN, Double.NaN, Math.round(flowNs - bypassNs));
        }
    }

    @Override
    protected void run(ExperimentOutput output) throws Exception {
        final boolean accel = kind == Request.ACCEL;
        warmUp = orDefault(warmUpRuns, 5000, 10);
        warmUpLimitS = orDefault(warmUpLimitOption, 180, 0);
        crossingRounds = orDefault(crossingRoundsOption, 40, 3);
        final long max = orDefault(maxSize, accel ? 4L << 20 : 32L << 20, 64L * 1024);
        final long budget = orDefault(bytesPerPoint, accel ? 32L << 20 : 128L << 20, 256L * 1024);
        final long calibrationBytes = calibrationSize != null ? calibrationSize : accel ? 2L << 20 : 16L << 20;
        final int replicas = flowReplicas != null ? flowReplicas
            : accel ? 4 : Math.max(1, Runtime.getRuntime().availableProcessors());
        if (minSize < 1 || max < minSize || max > 1L << 30 || budget < 1 || concurrency < 1 || concurrency > 256
            || calibrationBytes < 64 * 1024 || calibrationBytes > 1L << 30 || replicas < 1 || replicas > 64
            || accelRate < 1024 || warmUp < 0 || warmUpLimitS < 0 || warmUpLimitS > 3600 || crossingRounds < 0 || crossingRounds > 1000 || settleTimeoutMs < 1 || settleTimeoutMs > 600_000) {
            throw usage("need 1 <= --min-size <= --max-size <= 1GiB, --bytes-per-point >= 1, --concurrency 1..256,"
                + " --calibration-size 64KiB..1GiB, --replicas 1..64, --accel-rate >= 1KiB,"
                + " --warm-up-limit 0..3600, --crossing-rounds 0..1000, --settle-timeout 1..600000");
        }
        final byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        final SmallRequests.RequestTemplate request = (in, out) -> Flows.from(Devices.file(in))
            .via(accel ? Devices.rateLimit(accelRate, 0) : Devices.aesGcmEncrypt("k"), replicas)
            .to(Devices.fileSink(out)).key("k", key).name("request").build();
        // The same request into a sink the caller reads back: the output's SHA-256 in the result. A fixed salt
        // makes AES output the same on both paths, so that their digests can be compared.
        final byte[] salt = new byte[12];
        new SecureRandom().nextBytes(salt);
        final io.flowswitch.flow.StageSpec transform = accel ? Devices.rateLimit(accelRate, 0)
            : io.flowswitch.flow.StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex",
                java.util.HexFormat.of().formatHex(salt));
        final SmallRequests.RequestTemplate sinkRequest = (in, out) -> Flows.from(Devices.file(in))
            .via(transform, replicas).to(Devices.sha256Sink()).key("k", key).name("request").build();
        output.heading("file -> %s x%d -> file, %s to %s",
            accel ? "rate-limit at " + Rates.format(accelRate) : "aes-gcm-encrypt", replicas,
            Rates.formatBytes(minSize), Rates.formatBytes(max));
        try (Scratch scratch = new Scratch(workBase(), "flowswitch-small-requests-");
             FlowSwitch node = ExperimentNode.start("flowswitch.small-requests { threshold = auto, calibration-bytes = "
                 + calibrationBytes + " }\nflowswitch.node.instances.rate-limit = " + Math.max(16, replicas))) {
            final SmallRequests small = node.smallRequests();
            settled = new SettledNode(node::usage, TimeUnit.MILLISECONDS.toNanos(settleTimeoutMs));
            warmUpSettled = new SettledNode(node::usage, TimeUnit.MILLISECONDS.toNanos(settleTimeoutMs));
            // Warm the signalling path (a flow's set-up keeps getting cheaper over its first few thousand runs)
            // so that the sweep's small sizes, measured first, do not pay for the JIT.
            final Path warmIn = scratch.random("warm-up.bin", 1024, 7);
            final Path warmOut = scratch.file("warm-up.out");
            warmBothPaths(node, small, request.request(warmIn, warmOut), warmOut, warmUp);
            // And at a size that runs as lanes, whose code 1 KiB requests never reach (a 1 KiB flow is a direct small
            // flow): cold, a 1 MiB lane flow cost 2-3 ms more than warm, which moved the crossing by megabytes.
            final Path warmLaneIn = scratch.random("warm-up-lanes.bin", LANE_WARM_UP_BYTES, 8);
            warmBothPaths(node, small, request.request(warmLaneIn, warmOut), warmOut, warmUp / 10);
            Files.deleteIfExists(warmLaneIn);
            // And every size of the sweep, a few times over, so that the node the calibration measures is as warm
            // as the one the sweep measures: the JIT keeps compiling for large requests' paths (lanes yielding,
            // the cipher's long inputs) long after 1 KiB and 1 MiB requests have settled.
            final List<Path> sweepInputs = new ArrayList<>();
            for (long size = minSize; size <= max; size *= 2) {
                sweepInputs.add(scratch.random("warm-up-" + size + ".bin", size, size + 2));
            }
            for (int pass = 0; pass < warmUp / SWEEP_WARM_UP_DIVISOR; pass++) {
                warmOverSizes(node, small, request, sweepInputs, warmOut);
            }
            warmUntilJitQuiet(node, small, request, sweepInputs, warmOut, output);
            for (Path sizedIn : sweepInputs) {
                Files.deleteIfExists(sizedIn);
            }
            if (warmUpLimitS > 0) {
                // The calibration's own mix of requests is part of the warm-up (see below); its result is not judged.
                final SmallRequests.Calibration warmUpCalibration = small.calibrate(request, scratch.directory());
                output.line("  calibrated during the warm-up (not judged): %s (the JIT compiled for %.1f%% of it)",
                    warmUpCalibration.threshold(), 100 * warmUpCalibration.jitShare());
            }
            final List<Point> points = new ArrayList<>();
            for (long size = minSize; size <= max; size *= 2) {
                points.add(measure(node, small, scratch, request, sinkRequest, size, budget));
                final Point p = points.get(points.size() - 1);
                output.line("  %-9s file to file: flow %9.1f us  bypass %9.1f us  batched %9.1f us  (flow/bypass %.2f);"
                    + "  caller sink: flow %9.1f us  bypass %9.1f us  (flow/bypass %.2f)",
                    SizeParser.format(size), p.flowNs() / 1e3, p.bypassNs() / 1e3, p.batchedNs() / 1e3,
                    p.flowNs() / p.bypassNs(), p.flowSinkNs() / 1e3, p.bypassSinkNs() / 1e3,
                    p.flowSinkNs() / p.bypassSinkNs());
            }
            // Calibrated here, between the doubling sweep and the finer one the threshold is judged against, so
            // that both time an equally warm node, and after the warm-up calibration: a node's first calibration
            // ran with the JIT compiling for 15-29% of it (the cipher's code deoptimised and compiled again for the
            // mix of sizes calibration interleaves) and came out above the finer sweep's best range in half the
            // runs, by 24-56%; calibrating again after the finer sweep, with the JIT at 1-5%, agreed within 20% in
            // 36 of 39.
            final SmallRequests.Calibration calibration = small.calibrate(request, scratch.directory());
            output.line("  calibrated: flow %.0f us and bypass %.0f us at 1 KiB, %.3f and %.3f ns/B: %s (the JIT"
                + " compiled for %.1f%% of it)", calibration.flowSmallNs() / 1e3, calibration.directSmallNs() / 1e3,
                calibration.flowNsPerByte(), calibration.directNsPerByte(), calibration.threshold(),
                100 * calibration.jitShare());
            final Crossing crossing = measureCrossing(node, small, scratch, request, points, output);
            output.line("  each flow and bypass request timed on a settled node (no flow open, no lease held):"
                + " %d waits, %d of them found a flow not stopped yet; median %.1f us, longest %.1f us (not timed)",
                settled.waits(), settled.waitsFindingFlows(), settled.medianWaitNs() / 1e3,
                settled.maxWaitNs() / 1e3);
            // The same calibration once more, after the sweep: how far apart two calibrations land says how
            // much of any miss is the machine's noise.
            final SmallRequests.Calibration again = small.calibrate(request, scratch.directory());
            output.line("  calibrated again after the sweep: flow %.0f us and bypass %.0f us at 1 KiB, %.3f and %.3f"
                + " ns/B: %s (the JIT compiled for %.1f%% of it)", again.flowSmallNs() / 1e3,
                again.directSmallNs() / 1e3, again.flowNsPerByte(), again.directNsPerByte(), again.threshold(),
                100 * again.jitShare());
            report(output, points, crossing, calibration, accel ? "a " + Rates.format(accelRate) + " accelerator"
                : "AES-GCM");
        }
    }

    /**
     * Passes over the sweep's sizes until the JIT is quiet ({@link JitQuiet}), or --warm-up-limit has passed. The node keeps getting faster for its first
     * minute or so of flows, and the calibration and the sweep must time the same node: calibrated while the JIT
     * still compiled, the threshold came out 1.3-4x the one the sweep found.
     */
    private void warmUntilJitQuiet(FlowSwitch node, SmallRequests small, SmallRequests.RequestTemplate request,
        List<Path> sweepInputs, Path warmOut, ExperimentOutput output) throws Exception {
        final long limitNs = TimeUnit.SECONDS.toNanos(warmUpLimitS);
        final long startNs = System.nanoTime();
        final JitQuiet quiet = new JitQuiet(new JitActivity(), JIT_WINDOW_NS, JIT_QUIET_SHARE, JIT_QUIET_WINDOWS);
        int passes = 0;
        boolean warm = false;
        while (!warm && System.nanoTime() - startNs < limitNs) {
            warmOverSizes(node, small, request, sweepInputs, warmOut);
            passes++;
            warm = quiet.observe();
        }
        if (limitNs > 0) {
            final List<Double> shares = quiet.shares();
            output.line("  warmed up until the JIT went quiet: %d passes over the sweep's sizes in %.1f s; the JIT"
                + " compiled for %s of each %d s window%s", passes, (System.nanoTime() - startNs) / 1e9,
                shares.isEmpty() ? "(none closed)" : shares.stream()
                    .map(share -> String.format(Locale.ROOT, "%.1f%%", 100 * share)).collect(Collectors.joining(", ")),
                TimeUnit.NANOSECONDS.toSeconds(JIT_WINDOW_NS), warm ? "" : " (--warm-up-limit reached first)");
        }
    }

    private void warmOverSizes(FlowSwitch node, SmallRequests small, SmallRequests.RequestTemplate request,
        List<Path> sweepInputs, Path warmOut) throws Exception {
        for (Path sizedIn : sweepInputs) {
            warmBothPaths(node, small, request.request(sizedIn, warmOut), warmOut, 1);
        }
    }

    /** Runs {@code spec} {@code times} times on each path in turn, untimed, its output deleted before each. */
    private void warmBothPaths(FlowSwitch node, SmallRequests small, FlowSpec spec, Path out, int times)
        throws Exception {
        for (int i = 0; i < times; i++) {
            // Each on a settled node, as calibration and the sweep time them: waiting polls the manager, code that
            // the JIT would otherwise still be compiling while the calibration ran (a third of its time).
            Files.deleteIfExists(out);
            warmUpSettled.await("a warm-up flow");
            ExperimentNode.succeeded(node.run(spec).completion().toCompletableFuture().get(1, TimeUnit.MINUTES));
            Files.deleteIfExists(out);
            warmUpSettled.await("a warm-up bypass");
            ExperimentNode.succeeded(small.direct(spec));
        }
    }

    /** Runs {@code spec} as a flow once the node has settled ({@code what} names it if it does not); its time. */
    private long timedFlow(FlowSwitch node, FlowSpec spec, String what) throws Exception {
        settled.await(what);
        final long startNs = System.nanoTime();
        ExperimentNode.succeeded(node.run(spec).completion().toCompletableFuture().get(5, TimeUnit.MINUTES));
        return System.nanoTime() - startNs;
    }

    /** Runs {@code spec} on the bypass once the node has settled; its time. */
    private long timedBypass(SmallRequests small, FlowSpec spec, String what) throws Exception {
        settled.await(what);
        final long startNs = System.nanoTime();
        ExperimentNode.succeeded(small.direct(spec));
        return System.nanoTime() - startNs;
    }

    private Point measure(FlowSwitch node, SmallRequests small, Scratch scratch, SmallRequests.RequestTemplate request,
        SmallRequests.RequestTemplate sinkRequest, long size, long budget) throws Exception {
        final int count = size >= budget / 3 ? 3 : (int) Math.max(5, Math.min(200, budget / size));
        final Path in = scratch.random("in-" + size + ".bin", size, size);
        final Path out = scratch.file("out.bin");
        // Warm-up of each path at this size: file system, JIT for the size's code paths.
        ExperimentNode.succeeded(node.run(request.request(in, out)).completion().toCompletableFuture()
            .get(5, TimeUnit.MINUTES));
        Files.deleteIfExists(out);
        ExperimentNode.succeeded(small.direct(request.request(in, out)));
        // Both paths into the caller's sink, warm, and their outputs compared.
        final String flowDigest = sha256(node.run(sinkRequest.request(in, out)).completion().toCompletableFuture()
            .get(5, TimeUnit.MINUTES));
        final String bypassDigest = sha256(small.direct(sinkRequest.request(in, out)));
        if (!flowDigest.equals(bypassDigest)) {
            throw new IllegalStateException("at " + size + " bytes the flow's output has SHA-256 " + flowDigest
                + " and the bypass's " + bypassDigest + ": the paths disagree");
        }
        // Median of single requests, as calibration takes: a request the machine's other work delayed is noise.
        final long[] flowTimes = new long[count];
        final long[] bypassTimes = new long[count];
        final long[] gapTimes = new long[count];
        final long[] flowSinkTimes = new long[count];
        final long[] bypassSinkTimes = new long[count];
        // Alternating, each request started on a settled node (see SettledNode): a flow's result completes
        // before its supervisor, stages and lanes have stopped, and the request after it must not pay for that.
        final String at = " at " + SizeParser.format(size);
        for (int i = 0; i < count; i++) {
            flowSinkTimes[i] = timedFlow(node, sinkRequest.request(in, out), "a caller-sink flow request" + at);
            bypassSinkTimes[i] = timedBypass(small, sinkRequest.request(in, out), "a caller-sink bypass request" + at);
            Files.deleteIfExists(out);
            flowTimes[i] = timedFlow(node, request.request(in, out), "a file-to-file flow request" + at);
            Files.deleteIfExists(out);
            bypassTimes[i] = timedBypass(small, request.request(in, out), "a file-to-file bypass request" + at);
            gapTimes[i] = flowTimes[i] - bypassTimes[i];
        }
        final double flowNs = median(flowTimes);
        final double bypassNs = median(bypassTimes);
        // Batched: `concurrency` callers, each waiting for its request before sending the next.
        final List<CompletableFuture<Void>> callers = new ArrayList<>();
        final int perCaller = Math.max(1, count / concurrency);
        settled.await("the batched requests" + at);
        final long startNs = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            final Path callerOut = scratch.file("batched-" + c + ".bin");
            callers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perCaller; i++) {
                    ExperimentNode.succeeded(small.batched(request.request(in, callerOut)).toCompletableFuture()
                        .join());
                }
            }, task -> new Thread(task, "small-requests-caller").start()));
        }
        CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        final double batchedNs = (System.nanoTime() - startNs) / (double) (perCaller * concurrency);
        Files.deleteIfExists(in);
        return new Point(size, flowNs, bypassNs, batchedNs, median(flowSinkTimes), median(bypassSinkTimes),
            Math.round(median(gapTimes)));
    }

    /** The digest a caller-sink request reports; throws unless it succeeded. */
    private static String sha256(FlowResult result) {
        ExperimentNode.succeeded(result);
        final String hex = result.result("sha256");
        if (hex == null) {
            throw new IllegalStateException("a caller-sink request reported no sha256: " + result);
        }
        return hex;
    }

    private static double median(long[] times) {
        final long[] sorted = times.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }

    private static void report(ExperimentOutput output, List<Point> points, Crossing measured,
        SmallRequests.Calibration calibration, String device) throws java.io.IOException {
        final Table table = new Table("size_bytes", "flow_us", "bypass_us", "batched_us", "flow_over_bypass",
            "flow_sink_us", "bypass_sink_us", "flow_over_bypass_sink");
        final double[] xs = new double[points.size()];
        final double[] flow = new double[points.size()];
        final double[] bypass = new double[points.size()];
        final double[] batched = new double[points.size()];
        final double[] flowSink = new double[points.size()];
        final double[] bypassSink = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            final Point p = points.get(i);
            table.row(p.size(), p.flowNs() / 1e3, p.bypassNs() / 1e3, p.batchedNs() / 1e3, p.flowNs() / p.bypassNs(),
                p.flowSinkNs() / 1e3, p.bypassSinkNs() / 1e3, p.flowSinkNs() / p.bypassSinkNs());
            xs[i] = p.size();
            flow[i] = p.flowNs() / 1e3;
            bypass[i] = p.bypassNs() / 1e3;
            batched[i] = p.batchedNs() / 1e3;
            flowSink[i] = p.flowSinkNs() / 1e3;
            bypassSink[i] = p.bypassSinkNs() / 1e3;
        }
        output.csv("small-requests", table);
        final double crossing = measured.bytes();
        final long calibrated = calibration.threshold().thresholdBytes();
        final SvgPlot plot = SvgPlot.lines("Time per request by size (" + device + ")", "request size",
                "microseconds per request").logX().xTickFormat(x -> SizeParser.format((long) x))
            .series("flow path, file to file", xs, flow)
            .series("bypass, file to file", xs, bypass)
            .series("batched bypass, file to file", xs, batched)
            .series("flow path, caller sink", xs, flowSink)
            .series("bypass, caller sink", xs, bypassSink);
        if (!calibration.threshold().alwaysBypass()) {
            plot.markX("calibrated " + Rates.formatBytes(calibrated), calibrated);
        }
        if (crossing > 0) {
            plot.markX("crossing " + Rates.formatBytes(crossing), crossing);
        }
        output.svg("small-requests", plot);

        final Point first = points.get(0);
        if (first.size() <= 1024) {
            final double speedUp = first.flowSinkNs() / first.bypassSinkNs();
            output.target("1 KiB into the caller's sink: bypass >= 5x the flow path", String.format(Locale.ROOT,
                "%.1fx (file to file, not the target's measure: %.1fx)", speedUp, first.flowNs() / first.bypassNs()),
                speedUp >= SPEED_UP_TARGET);
        }
        // The best fixed thresholds: those that send each size measured the cheaper way (the finer sweep's sizes
        // when there was one, else the doubling sweep's); the calibrated threshold is judged by its distance.
        final boolean fine = measured.fineBytes().length > 0;
        final PathCrossing.BestRange best = fine ? PathCrossing.bestRange(measured.fineBytes(), measured.fineGapNs())
            : PathCrossing.bestRange(points.stream().mapToLong(Point::size).toArray(),
                points.stream().mapToLong(Point::gapNs).toArray());
        final double off = best.offBy(calibrated);
        output.target("calibrated threshold within 20% of the best fixed one", String.format(Locale.ROOT,
            "%s vs %s (%s; found by the %s sweep, where the gaps' line crosses zero at %s)",
            calibration.threshold().alwaysBypass() ? "always bypass" : Rates.formatBytes(calibrated),
            range(best), off == 0 ? "inside" : String.format(Locale.ROOT, "%+.0f%%", 100 * off),
            fine ? "finer" : "doubling", crossing < 0 ? "none" : Rates.formatBytes(crossing)),
            Math.abs(off) <= THRESHOLD_TOLERANCE);
    }

    /** The best range in words: every threshold in it sends each measured size the cheaper way. */
    private static String range(PathCrossing.BestRange best) {
        if (best.highBytes() == Long.MAX_VALUE) {
            return "always bypass (the flow never paid for itself up to " + Rates.formatBytes(best.lowBytes()) + ")";
        }
        return "best fixed thresholds " + (best.lowBytes() == 0 ? "up to " : "above " + Rates.formatBytes(best.lowBytes())
            + " up to ") + Rates.formatBytes(best.highBytes());
    }

    /**
     * Where the flow path's time falls below the bypass's on the doubling sweep: linear between the last size
     * where the paired gap was positive and the first where it was not (costs grow about linearly with size);
     * -1 when it never does.
     */
    static double crossing(List<Point> points) {
        return PathCrossing.interpolated(points.stream().mapToLong(Point::size).toArray(),
            points.stream().mapToLong(Point::gapNs).toArray());
    }

    /**
     * Measures the crossing finer: where the doubling sweep's paired gaps change sign, a finer sweep across that
     * bracket widened by one doubling each way ({@code --crossing-rounds} rounds over {@link #CROSSING_STEPS} + 1
     * sizes, {@link PathCrossing#refine}). Two sizes 2x apart, each the median of a few requests, say little when
     * the paths run nearly parallel: the finer sweep's gaps are what the calibrated threshold is judged against
     * ({@link PathCrossing#bestRange}). Without a bracket, the doubling sweep's answer alone.
     */
    private Crossing measureCrossing(FlowSwitch node, SmallRequests small, Scratch scratch,
        SmallRequests.RequestTemplate request, List<Point> points, ExperimentOutput output) throws Exception {
        final long[] sizes = points.stream().mapToLong(Point::size).toArray();
        final long[] gaps = points.stream().mapToLong(Point::gapNs).toArray();
        final double doubling = crossing(points);
        final int bracket = PathCrossing.bracket(sizes, gaps);
        if (bracket < 0 || crossingRounds == 0) {
            return new Crossing(doubling, new long[0], new long[0]);
        }
        // One doubling wider on each side, within the sizes swept: the bracket itself rests on two noisy medians.
        final long low = Math.max(sizes[0], sizes[bracket] / 2);
        final long high = Math.min(sizes[sizes.length - 1], sizes[bracket + 1] * 2);
        final PathCrossing.Refined refined = PathCrossing.refine(low, high, sizes[0], sizes[sizes.length - 1],
            CROSSING_STEPS, 2, fine -> pairedGaps(node, small, scratch, request, fine));
        final long[] fine = refined.bytes();
        final long[] fineGaps = refined.gapNs();
        final Table table = new Table("size_bytes", "gap_us");
        for (int i = 0; i < fine.length; i++) {
            table.row(fine[i], fineGaps[i] / 1e3);
        }
        output.csv("small-requests-crossing", table);
        final boolean bracketed = refined.bracketed();
        final double zero = refined.zeroBytes();
        output.line("  crossing: the doubling sweep's gaps change sign between %s and %s (%s interpolated); %d rounds"
            + " over %d sizes from %s to %s %s (paired gaps, flow minus bypass: %s us)",
            SizeParser.format(sizes[bracket]), SizeParser.format(sizes[bracket + 1]), Rates.formatBytes(doubling),
            crossingRounds, fine.length, SizeParser.format(fine[0]), SizeParser.format(fine[fine.length - 1]),
            bracketed ? "place it at " + Rates.formatBytes(zero) : refined.flowCheaperThroughout()
                ? "find the flow cheaper throughout: it lies below, the doubling sweep's figure stands"
                : "find the flow dearer throughout: it lies above, the doubling sweep's figure stands",
            Arrays.stream(fineGaps).mapToObj(g -> String.format(Locale.ROOT, "%.0f", g / 1e3))
                .collect(Collectors.joining(", ")));
        return new Crossing(bracketed ? zero : doubling, fine, fineGaps);
    }

    /**
     * The median paired gap (flow minus bypass, file to file) at each of {@code fine}'s sizes, over {@code
     * --crossing-rounds} rounds that each visit every size, so that drift hits them all alike; which path goes
     * first alternates.
     */
    private long[] pairedGaps(FlowSwitch node, SmallRequests small, Scratch scratch,
        SmallRequests.RequestTemplate request, long[] fine) throws Exception {
        final Path[] inputs = new Path[fine.length];
        for (int i = 0; i < fine.length; i++) {
            inputs[i] = scratch.random("crossing-" + fine[i] + ".bin", fine[i], fine[i] + 1);
        }
        final Path out = scratch.file("crossing.out");
        final long[][] gapTimes = new long[fine.length][crossingRounds];
        for (int round = 0; round < crossingRounds; round++) {
            for (int i = 0; i < fine.length; i++) {
                final String at = " at " + SizeParser.format(fine[i]) + " (crossing)";
                long flowNs = 0;
                long bypassNs = 0;
                for (int path = 0; path < 2; path++) {
                    Files.deleteIfExists(out);
                    if ((path + round) % 2 == 0) {
                        flowNs = timedFlow(node, request.request(inputs[i], out), "a flow request" + at);
                    } else {
                        bypassNs = timedBypass(small, request.request(inputs[i], out), "a bypass request" + at);
                    }
                }
                gapTimes[i][round] = flowNs - bypassNs;
            }
        }
        final long[] gaps = new long[fine.length];
        for (int i = 0; i < fine.length; i++) {
            gaps[i] = Math.round(median(gapTimes[i]));
            Files.deleteIfExists(inputs[i]);
        }
        return gaps;
    }

    /**
     * Where the gap's line crosses zero ({@code bytes}: the finer sweep's, else the doubling sweep's; -1 when the
     * flow never paid for itself), and the finer sweep's sizes and median paired gaps (empty without one).
     */
    record Crossing(double bytes, long[] fineBytes, long[] fineGapNs) {}
}
