package io.flowswitch.javadsl;

import io.flowswitch.actors.JitActivity;
import io.flowswitch.actors.SettledNode;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.file.FileSourceKind;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.scheduler.PathCrossing;
import io.flowswitch.scheduler.SmallRequestThreshold;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Small requests do not pay for a flow: {@link #submit} runs a request smaller than the node's threshold
 * on the direct software path (its devices in a plain loop, no actors, streams, ports or leases), batched
 * with other small requests to the same devices, and anything larger as a flow.
 *
 * <p>The threshold is where the two paths cost the same. With set-up cost {@code S} and per-byte costs
 * {@code f} (flow) and {@code d} (direct), it is {@code S / (d − f)} ({@link SmallRequestThreshold}); {@link
 * #calibrate} measures both paths on this machine with requests of the caller's shape at sizes from 1 KiB
 * to {@code calibration-bytes}, side by side, and places the threshold where their difference crosses zero. Unless {@code flowswitch.small-requests.threshold} sets it, the node calibrates right after start
 * ({@code calibrate-at-start = on}, in the background) or at the first {@link #threshold()} (or {@link
 * #submit}), with file → aes-gcm-encrypt (one replica per core) → file, which takes about
 * a second; a node that never takes a small request pays nothing. A node keeps getting faster for its first
 * minute or so of flows, while the JIT compiles what they run, and a threshold calibrated before that comes out
 * high (1.3–4× with AES-GCM file to file on two cores, or "always bypass"): {@link Calibration#jitShare} says how
 * busy the JIT was, and an application that can should {@link #calibrate} again once its node is warm.
 *
 * <p>Batching follows {@link io.flowswitch.scheduler.Batcher}'s rules, live: per chain of device kinds, a
 * request joins the open batch if the batch stays within {@code batch-max-bytes} and it comes within
 * {@code batch-max-delay} of the batch opening; a batch leaves when full, when a request does not fit, or at
 * its deadline. A batch runs on one worker thread, request after request: one hand-over for many requests.
 *
 * <p>Thread-safe. Calls that calibrate block for the calibration and run flows on the node: call them from
 * an application thread, never from an actor.
 */
public final class SmallRequests implements AutoCloseable {
    /** One request of the calibrated shape: from {@code in} to {@code out}. */
    @FunctionalInterface
    public interface RequestTemplate {
        FlowSpec request(Path in, Path out);
    }

    /**
     * What calibration measured: each path's median time for a 1 KiB request, the per-byte costs of
     * least-squares lines through the medians at every size, and the threshold (where the paths' paired
     * difference crosses zero, else from the lines).
     *
     * @param setupNs the flow path's extra fixed cost: its 1 KiB time minus the direct path's
     * @param jitShare how much of the calibration's time the JIT spent compiling ({@link JitActivity}): above a
     *     few percent the node was still warming up, and the threshold comes out high
     */
    public record Calibration(long flowSmallNs, long directSmallNs, double flowNsPerByte, double directNsPerByte,
        long setupNs, SmallRequestThreshold threshold, double jitShare) {}

    /** Requests taken so far: as flows, on the direct path, and the batches those ran in. */
    public record Stats(long flows, long bypassed, long batches) {}

    static final int SMALL_BYTES = 1024;
    private static final String FILE_SOURCE = new FileSourceKind().name();
    private static final int WARM_UP_RUNS = 100;
    private static final long MEDIUM_WARM_UP_BYTES = 1L << 20;
    /** Untimed rounds over the coarse sizes before the timed ones. */
    private static final int WARM_UP_ROUNDS = 2;
    /** Rounds over the sizes 4x apart, and over the sizes inside the bracket where the paths cross. */
    private static final int COARSE_ROUNDS = 9;
    private static final int FINE_ROUNDS = 40;
    /**
     * Fewer rounds, down to {@link #MIN_FINE_ROUNDS}, when the paths cross at sizes whose requests are slow: the
     * finer sweep should take about this long (40 rounds at 1-4 MiB take about a second; at 16-32 MiB they took
     * ten).
     */
    private static final long FINE_BUDGET_NS = TimeUnit.SECONDS.toNanos(2);
    private static final int MIN_FINE_ROUNDS = 15;
    /**
     * A round the JIT compiled for more than this share of, or that requests came in during, is timed again, up
     * to this many tries a round ({@link QuietRounds}).
     */
    private static final double MAX_JIT_SHARE = 0.02;
    private static final int MAX_TRIES_PER_ROUND = 3;
    /** The bracket is split into this many steps, evenly on a log size axis. */
    private static final int FINE_STEPS = 4;
    /**
     * How many times calibration doubles past calibration-bytes looking for the crossing (and past the
     * bracket, in the finer sweep), and how far at most.
     */
    private static final int MAX_EXTENSIONS = 2;
    private static final long MAX_CALIBRATION_BYTES = 1L << 30;
    /** How long calibration waits for the node to settle before a timed request, before it stops waiting. */
    private static final long SETTLE_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private final FlowSwitch node;
    private final SmallRequestSettings settings;
    private final ScheduledThreadPoolExecutor workers;
    private final ThreadLocal<DirectPath> directPaths;
    private final Object lock = new Object();
    private final Map<String, OpenBatch> open = new HashMap<>();
    private final AtomicLong flows = new AtomicLong();
    private final AtomicLong bypassed = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile Calibration calibration;
    /** While calibrating on a node that settles between requests; null otherwise. Guarded by calibrate's lock. */
    private SettledNode settling;
    private volatile boolean closed;

    SmallRequests(FlowSwitch node, DeviceCatalog catalog, SmallRequestSettings settings) {
        this.node = node;
        this.settings = settings;
        this.directPaths = ThreadLocal.withInitial(() -> new DirectPath(catalog));
        final AtomicLong threads = new AtomicLong();
        this.workers = new ScheduledThreadPoolExecutor(settings.workers(), task -> {
            final Thread thread = new Thread(task, "flowswitch-small-requests-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.workers.setRemoveOnCancelPolicy(true);
    }

    /**
     * Runs {@code spec} the cheaper way: below the threshold on the direct path (batched), otherwise as a
     * flow ({@link FlowSwitch#run}). A request whose size is not known up front (not a file) is a flow.
     * Errors arrive in the result, either way.
     */
    public CompletionStage<FlowResult> submit(FlowSpec spec) {
        final long size = requestBytes(spec);
        if (size >= 0 && threshold().bypass(size)) {
            return batched(spec);
        }
        flows.incrementAndGet();
        return node.run(spec).completion();
    }

    /** Runs {@code spec} on the direct path now, on the calling thread: the unbatched bypass. */
    public FlowResult direct(FlowSpec spec) {
        bypassed.incrementAndGet();
        return directPaths.get().run(node.nextFlowId(), spec);
    }

    /** Runs {@code spec} on the direct path, batched with other requests to the same devices. */
    public CompletionStage<FlowResult> batched(FlowSpec spec) {
        final CompletableFuture<FlowResult> result = new CompletableFuture<>();
        final long size = Math.max(0, requestBytes(spec));
        final String key = String.join(">", spec.stages().stream().map(StageSpec::kind).toList());
        final List<OpenBatch> ready = new ArrayList<>(2);
        synchronized (lock) {
            if (closed) {
                result.complete(refused(spec, "the node is closed"));
                return result;
            }
            final long nowNs = System.nanoTime();
            OpenBatch batch = open.get(key);
            if (batch != null && !batch.takes(size, nowNs)) {
                // It leaves now: this request does not fit, or came after its deadline's timer had fired.
                open.remove(key);
                batch.cancelDeadline();
                ready.add(batch);
                batch = null;
            }
            if (batch == null) {
                batch = new OpenBatch(nowNs);
                if (settings.batchMaxDelayNs() > 0) {
                    final OpenBatch opened = batch;
                    batch.deadline = workers.schedule(() -> expire(key, opened), settings.batchMaxDelayNs(),
                        TimeUnit.NANOSECONDS);
                }
                open.put(key, batch);
            }
            batch.add(spec, result, size);
            if (batch.bytes >= settings.batchMaxBytes() || settings.batchMaxDelayNs() == 0) {
                open.remove(key);
                batch.cancelDeadline();
                ready.add(batch);
            }
        }
        for (OpenBatch batch : ready) {
            workers.execute(() -> runBatch(batch));
        }
        return result;
    }

    /**
     * The threshold in force: configured, or calibrated (calibrating now, with the default request, if
     * nothing has been calibrated yet).
     */
    public SmallRequestThreshold threshold() {
        if (settings.thresholdBytes() >= 0) {
            return SmallRequestThreshold.override(settings.thresholdBytes());
        }
        Calibration known = calibration;
        if (known == null) {
            synchronized (this) {
                known = calibration;
                if (known == null) {
                    known = calibrate(defaultRequest(), Path.of(System.getProperty("java.io.tmpdir")));
                }
            }
        }
        return known.threshold();
    }

    /**
     * Calibrates on a thread of its own, if the threshold is {@code auto} and not calibrated yet: for {@code
     * calibrate-at-start}. A failure leaves the threshold to be calibrated on first use.
     */
    void calibrateInBackground() {
        if (settings.thresholdBytes() >= 0 || calibration != null) {
            return;
        }
        final Thread thread = new Thread(() -> {
            try {
                threshold();
            } catch (RuntimeException e) {
                if (!closed) {
                    org.slf4j.LoggerFactory.getLogger(SmallRequests.class)
                        .warn("calibrating the small-request threshold failed; it will be tried again on first use: {}",
                            e.getMessage());
                }
            }
        }, "flowswitch-small-request-calibration");
        thread.setDaemon(true);
        thread.start();
    }

    /** Requests taken so far, either way; calibration's own are not counted. */
    private long traffic() {
        return flows.get() + bypassed.get();
    }

    /** The last calibration, or null. */
    public Calibration calibration() {
        return calibration;
    }

    public Stats stats() {
        return new Stats(flows.get(), bypassed.get(), batches.get());
    }

    /**
     * Measures both paths with requests of {@code template}'s shape (sizes 4x apart from 1 KiB to {@code
     * calibration-bytes}, twice and four times that while the paths still approach there, then sizes inside
     * the bracket where the paths cross; random bytes in a scratch
     * directory under {@code workDir}, removed afterwards) and sets the threshold from them; a configured threshold still wins in {@link #threshold()}.
     *
     * @throws FlowException when a calibration request fails
     */
    public synchronized Calibration calibrate(RequestTemplate template, Path workDir) {
        final Path scratch;
        try {
            scratch = Files.createTempDirectory(workDir, "flowswitch-calibration-");
        } catch (IOException e) {
            throw new FlowException("CALIBRATION_FAILED", "cannot make a scratch directory in " + workDir + ": " + e, e);
        }
        settling = new SettledNode(node::usage, SETTLE_TIMEOUT_NS);
        final JitActivity jit = new JitActivity();
        try {
            final long largeBytes = settings.calibrationBytes();
            final Path small = random(scratch.resolve("small.bin"), SMALL_BYTES);
            final Path large = random(scratch.resolve("large.bin"), largeBytes);
            final Path out = scratch.resolve("out.bin");
            // Warm both paths before timing: a flow's set-up keeps getting cheaper over its first hundred
            // runs or so, as the JIT compiles the signalling path.
            for (int i = 0; i < WARM_UP_RUNS; i++) {
                timeFlow(template.request(small, out), out);
                timeDirect(template.request(small, out), out);
            }
            // And at a size of many chunks, whose code (lanes, a flow's full pipeline) 1 KiB never reaches.
            final Path medium = random(scratch.resolve("medium.bin"), Math.min(largeBytes, MEDIUM_WARM_UP_BYTES));
            for (int i = 0; i < WARM_UP_RUNS / 2; i++) {
                timeFlow(template.request(medium, out), out);
                timeDirect(template.request(medium, out), out);
            }
            deleteQuietly(medium);
            for (int i = 0; i < 2; i++) {
                timeFlow(template.request(large, out), out);
                timeDirect(template.request(large, out), out);
            }
            // The threshold is where the flow's extra cost, g(s) = flow(s) - direct(s), falls to zero. Under load a
            // median at one size moves by a third from minute to minute, so every size is measured in rounds that
            // visit all sizes in turn (drift then hits all of them alike), and g is the median of paired
            // differences (each flow timed right beside a direct run of the same request). First sizes 4x apart
            // from 1 KiB to calibration-bytes find where g changes sign; then sizes inside that bracket, with
            // more rounds, place the zero (and, when they see no sign change, sizes beyond it: PathCrossing.refine).
            final List<Long> coarse = new ArrayList<>();
            for (long size = SMALL_BYTES; size < largeBytes; size *= 4) {
                coarse.add(size);
            }
            coarse.add(largeBytes);
            // Untimed rounds first: each size's own code paths (lanes, their yields, the cipher's large-input
            // loops) get compiled before they are timed, not halfway through the timed rounds.
            sweep(coarse, WARM_UP_ROUNDS, template, scratch, out);
            Sweep first = sweep(coarse, COARSE_ROUNDS, template, scratch, out);
            // The paths may cross past calibration-bytes (when they cost nearly the same per byte, the crossing
            // lies far out and moves): while the gap is still positive but falls, measure twice as far.
            for (int i = 0; i < MAX_EXTENSIONS && first.bracket() < 0 && first.crossesBeyond()
                && first.largest() <= MAX_CALIBRATION_BYTES / 2; i++) {
                first = first.plus(sweep(List.of(first.largest() * 2), COARSE_ROUNDS, template, scratch, out));
            }
            final Sweep coarseSweep = first;
            final int bracket = coarseSweep.bracket();
            final PathCrossing.Refined fine = bracket < 0 ? null : PathCrossing.refine(first.bytes[bracket],
                first.bytes[bracket + 1], first.bytes[0], first.largest(), FINE_STEPS, MAX_EXTENSIONS,
                sizes -> sweep(Arrays.stream(sizes).boxed().toList(), fineRounds(coarseSweep, sizes), template, scratch,
                    out).gapNs);
            final Calibration measured = fit(first, fine, jit.shareSinceMark());
            calibration = measured;
            if (measured.jitShare() > MAX_JIT_SHARE) {
                org.slf4j.LoggerFactory.getLogger(SmallRequests.class).info("small-request threshold {}, calibrated"
                    + " while the JIT compiled for {}% of the time: on a node still warming up it comes out high;"
                    + " calibrate again once the node has run its flows for a minute or so", measured.threshold(),
                    Math.round(100 * measured.jitShare()));
            }
            return measured;
        } catch (IOException e) {
            throw new FlowException("CALIBRATION_FAILED", "cannot write calibration input in " + scratch + ": " + e, e);
        } finally {
            settling = null;
            deleteQuietly(scratch);
        }
    }

    /**
     * Both paths measured at several sizes: per size, the median time of each path and the median of the
     * paired differences {@code flow - direct}.
     */
    private record Sweep(long[] bytes, long[] flowNs, long[] directNs, long[] gapNs) {
        /** See {@link PathCrossing#bracket}. */
        int bracket() {
            return PathCrossing.bracket(bytes, gapNs);
        }

        /** See {@link PathCrossing#crossesBeyond}. */
        boolean crossesBeyond() {
            return PathCrossing.crossesBeyond(bytes, gapNs);
        }

        long largest() {
            return bytes[bytes.length - 1];
        }

        /** This sweep's sizes followed by {@code more}'s (larger ones). */
        Sweep plus(Sweep more) {
            return new Sweep(concat(bytes, more.bytes), concat(flowNs, more.flowNs), concat(directNs, more.directNs),
                concat(gapNs, more.gapNs));
        }

        private static long[] concat(long[] a, long[] b) {
            final long[] both = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            return both;
        }
    }

    /** {@code rounds} rounds, each visiting every size in turn with one flow and one direct request. */
    private Sweep sweep(List<Long> sizes, int rounds, RequestTemplate template, Path scratch, Path out)
        throws IOException {
        final int n = sizes.size();
        final Path[] inputs = new Path[n];
        for (int i = 0; i < n; i++) {
            inputs[i] = random(scratch.resolve("in-" + sizes.get(i) + ".bin"), sizes.get(i));
        }
        final long[][] flow = new long[n][rounds];
        final long[][] direct = new long[n][rounds];
        final long[][] gap = new long[n][rounds];
        final JitActivity jit = new JitActivity();
        final QuietRounds quiet = new QuietRounds(rounds, MAX_TRIES_PER_ROUND);
        while (quiet.more()) {
            final int round = quiet.next();
            jit.mark();
            final long trafficBefore = traffic();
            for (int i = 0; i < n; i++) {
                // Which path goes first alternates, so neither always runs on the cache the other warmed.
                if ((round & 1) == 0) {
                    flow[i][round] = timeFlow(template.request(inputs[i], out), out);
                    direct[i][round] = timeDirect(template.request(inputs[i], out), out);
                } else {
                    direct[i][round] = timeDirect(template.request(inputs[i], out), out);
                    flow[i][round] = timeFlow(template.request(inputs[i], out), out);
                }
                gap[i][round] = flow[i][round] - direct[i][round];
            }
            // A disturbed round is overwritten by the next try.
            quiet.keep(jit.shareSinceMark() > MAX_JIT_SHARE || traffic() != trafficBefore);
        }
        final long[] bytes = new long[n];
        final long[] flowNs = new long[n];
        final long[] directNs = new long[n];
        final long[] gapNs = new long[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = sizes.get(i);
            flowNs[i] = median(flow[i]);
            directNs[i] = median(direct[i]);
            gapNs[i] = median(gap[i]);
            deleteQuietly(inputs[i]);
        }
        return new Sweep(bytes, flowNs, directNs, gapNs);
    }

    /** As many rounds over {@code sizes} as fit {@link #FINE_BUDGET_NS}, by the lines through the coarse sweep. */
    private static int fineRounds(Sweep coarse, long[] sizes) {
        final double[] flowLine = PathCrossing.line(coarse.bytes, coarse.flowNs);
        final double[] directLine = PathCrossing.line(coarse.bytes, coarse.directNs);
        double roundNs = 0;
        for (long size : sizes) {
            roundNs += Math.max(0, flowLine[0] + flowLine[1] * size) + Math.max(0, directLine[0] + directLine[1] * size);
        }
        return (int) Math.max(MIN_FINE_ROUNDS, Math.min(FINE_ROUNDS, FINE_BUDGET_NS / Math.max(1, roundNs)));
    }

    private static long median(long[] values) {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * The calibration: per-byte costs and set-up cost from least-squares lines through each path's medians
     * over the coarse sizes ({@code S + s f} and {@code s d}, reported), and the threshold where the paired
     * gap falls to zero: on the line through the gaps of the sweep inside the bracket, when there is one
     * ({@link PathCrossing}). Without a zero the lines decide: always bypass when the flow is never cheaper per byte, else {@code S /
     * (d - f)}.
     */
    private static Calibration fit(Sweep coarse, PathCrossing.Refined fine, double jitShare) {
        final double[] flowLine = PathCrossing.line(coarse.bytes, coarse.flowNs);
        final double[] directLine = PathCrossing.line(coarse.bytes, coarse.directNs);
        final double flowNsPerByte = Math.max(0, flowLine[1]);
        final double directNsPerByte = Math.max(0, directLine[1]);
        final double setupNs = Math.max(0, flowLine[0] - directLine[0]);
        final double fineZero = fine != null ? fine.zeroBytes() : -1;
        final SmallRequestThreshold threshold;
        if (fineZero >= 0) {
            threshold = new SmallRequestThreshold(Math.round(fineZero), true);
        } else if (coarse.bracket() >= 0) {
            threshold = new SmallRequestThreshold(Math.round(PathCrossing.interpolated(coarse.bytes, coarse.gapNs)),
                true);
        } else if (coarse.gapNs[coarse.gapNs.length - 1] > 0) {
            // The flow cost more at every size measured: bypass everything, or beyond the sizes if the lines cross.
            threshold = SmallRequestThreshold.calibrate(setupNs, flowNsPerByte, directNsPerByte);
        } else {
            // The flow cost no more even at 1 KiB.
            threshold = new SmallRequestThreshold(0, true);
        }
        return new Calibration(coarse.flowNs[0], coarse.directNs[0], flowNsPerByte, directNsPerByte,
            Math.round(setupNs), threshold, jitShare);
    }

    /** Stops the workers; requests waiting in a batch end with a {@code CLOSED} error. */
    @Override
    public void close() {
        final List<OpenBatch> waiting;
        synchronized (lock) {
            closed = true;
            waiting = new ArrayList<>(open.values());
            open.clear();
        }
        workers.shutdownNow();
        for (OpenBatch batch : waiting) {
            for (int i = 0; i < batch.specs.size(); i++) {
                batch.results.get(i).complete(refused(batch.specs.get(i), "the node closed before it ran"));
            }
        }
    }

    private void expire(String key, OpenBatch batch) {
        synchronized (lock) {
            if (open.get(key) != batch) {
                return;
            }
            open.remove(key);
        }
        runBatch(batch);
    }

    private void runBatch(OpenBatch batch) {
        batches.incrementAndGet();
        final DirectPath path = directPaths.get();
        for (int i = 0; i < batch.specs.size(); i++) {
            bypassed.incrementAndGet();
            try {
                batch.results.get(i).complete(path.run(node.nextFlowId(), batch.specs.get(i)));
            } catch (RuntimeException e) {
                batch.results.get(i).complete(new FlowResult(0, batch.specs.get(i).name(), 0, 0, 0, 0, List.of(), e));
            }
        }
    }

    private static FlowResult refused(FlowSpec spec, String why) {
        return new FlowResult(0, spec.name(), 0, 0, 0, 0, List.of(),
            new FlowException("CLOSED", "small request " + spec.name() + " did not run: " + why));
    }

    /** The request's size when its source is a file, else -1. */
    public static long requestBytes(FlowSpec spec) {
        if (spec.stages().isEmpty() || !spec.stages().get(0).kind().equals(FILE_SOURCE)) {
            return -1;
        }
        final String path = spec.stages().get(0).params().get(FileSourceKind.PATH);
        if (path == null) {
            return -1;
        }
        try {
            return Files.size(Path.of(path));
        } catch (IOException | RuntimeException e) {
            // The flow path reports what is wrong with the file, with the stage's name.
            return -1;
        }
    }

    private long timeFlow(FlowSpec spec, Path out) {
        deleteQuietly(out);
        settle();
        final long startNs = System.nanoTime();
        final FlowResult result = node.run(spec).completion().toCompletableFuture().join();
        final long elapsedNs = System.nanoTime() - startNs;
        succeeded(result);
        return elapsedNs;
    }

    private long timeDirect(FlowSpec spec, Path out) {
        deleteQuietly(out);
        settle();
        final long startNs = System.nanoTime();
        final FlowResult result = directPaths.get().run(node.nextFlowId(), spec);
        final long elapsedNs = System.nanoTime() - startNs;
        succeeded(result);
        return elapsedNs;
    }

    /**
     * Lets the flow timed last stop before the next request is timed (its result completes before its actors
     * have stopped, and the request after it, on either path, would pay for the take-down on the other core),
     * as the experiments time requests. A node that serves other flows may never settle: after one wait that
     * times out, this calibration times its requests as they come.
     */
    private void settle() {
        if (settling == null) {
            return;
        }
        try {
            if (!settling.tryAwait()) {
                settling = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowException("CALIBRATION_FAILED", "interrupted while calibrating", e);
        }
    }

    private static void succeeded(FlowResult result) {
        if (!result.succeeded()) {
            throw new FlowException("CALIBRATION_FAILED", "a calibration request failed: " + result.error().getMessage(),
                result.error());
        }
    }

    /** file → aes-gcm-encrypt (one replica per core, a random key) → file. */
    static RequestTemplate defaultRequest() {
        final byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        final int replicas = Math.max(1, Runtime.getRuntime().availableProcessors());
        return (in, out) -> Flows.from(Devices.file(in)).via(Devices.aesGcmEncrypt("k"), replicas)
            .to(Devices.fileSink(out)).key("k", key).name("calibration").build();
    }

    private static Path random(Path file, long sizeBytes) throws IOException {
        final SplittableRandom random = new SplittableRandom(sizeBytes);
        final byte[] block = new byte[(int) Math.min(sizeBytes, 1 << 20)];
        try (var out = Files.newOutputStream(file)) {
            for (long left = sizeBytes; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return file;
    }

    private static void deleteQuietly(Path path) {
        try (Stream<Path> paths = Files.isDirectory(path) ? Files.walk(path) : Stream.of(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Scratch files under a temporary directory: best effort.
        }
    }

    /** A batch being filled: its requests, their results, and its deadline's timer. */
    private final class OpenBatch {
        final long openedNs;
        final List<FlowSpec> specs = new ArrayList<>();
        final List<CompletableFuture<FlowResult>> results = new ArrayList<>();
        long bytes;
        ScheduledFuture<?> deadline;

        OpenBatch(long openedNs) {
            this.openedNs = openedNs;
        }

        boolean takes(long size, long nowNs) {
            return bytes + size <= settings.batchMaxBytes() && nowNs - openedNs <= settings.batchMaxDelayNs();
        }

        void add(FlowSpec spec, CompletableFuture<FlowResult> result, long size) {
            specs.add(spec);
            results.add(result);
            bytes += size;
        }

        void cancelDeadline() {
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }
}
