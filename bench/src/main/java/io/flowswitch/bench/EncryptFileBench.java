package io.flowswitch.bench;

import io.flowswitch.flow.Transport;
import io.flowswitch.javadsl.FlowSwitch;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;

/**
 * Encrypts the same file with AES-256-GCM in one process, several ways side by side, and prints a table:
 * (a) a hand-written one-thread loop, (b) naive Pekko Streams, (c) a flowswitch flow with fused ports,
 * with Aeron IPC ports, and with the cipher stage replicated (which the compiler runs as lanes). See
 * BENCHMARKS.md for the command and what it found.
 *
 * <p>Method: one random input file in a tmpfs directory; every variant runs once on a smaller file
 * first (and the JDK's GCM is warmed with 1000 calls); then rounds in which each variant runs once, in a
 * fixed order (a, b, c, a, b, c, ...), each after a {@code System.gc()} and with its output deleted
 * between runs, so that every variant writes a new file (as {@code file-sink} always does) unless it is
 * the explicit overwrite reference. Every output is checked for size, and once at the end decrypted
 * and compared with the input's SHA-256. Times are wall clock from start to complete output; CPU is
 * the whole process's CPU time over the same interval.
 */
public final class EncryptFileBench {
    private static final int WARM_CIPHER_CALLS = 1000;
    private static final int GENERATE_BLOCK_BYTES = 8 << 20;
    /** A run is "quiet" when other processes used at most this much of one core meanwhile. */
    private static final double QUIET_OTHER_PERCENT = 25;

    private final Options options;
    private final PrintStream out;
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private EncryptFileBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Command-line settings; see {@link #usage()}. */
    record Options(long sizeBytes, int runs, Path dir, long warmupBytes, int warmupRuns, int chunkBytes,
        Set<String> variants, boolean verify, boolean copy, int portCapacityChunks) {
    }

    public static void main(String[] args) throws Exception {
        final Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("EncryptFileBench: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(usage());
            return;
        }
        final boolean ok = new EncryptFileBench(options, System.out).run();
        System.exit(ok ? 0 : 1);
    }

    static String usage() {
        return String.join("\n",
            "usage: java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \\",
            "         -cp bench/target/flowswitch-bench.jar io.flowswitch.bench.EncryptFileBench [options]",
            "  --size SIZE         input file size (default 1GiB)",
            "  --runs N            measured rounds; each round runs every variant once (default 5)",
            "  --dir DIR           where the files go (default /dev/shm when present, else the temp dir)",
            "  --warmup-size SIZE  file each variant encrypts before the rounds (default 64MiB)",
            "  --warmup-runs N     warm-up runs per variant (default 1)",
            "  --chunk SIZE        chunk size (default 64KiB)",
            "  --variants LIST     comma-separated subset of: a,a-overwrite,b,c-fused,c-aeron,c-x2",
            "  --no-verify         skip decrypting the outputs at the end (sizes are still checked)",
            "  --copy              also run copy-a and copy-c: the same I/O without the cipher (loop, flow)",
            "  --port-capacity N   chunks per data port of the flowswitch variants (default: the flow default)");
    }

    static Options parse(String[] args) {
        long size = 1L << 30;
        int runs = 5;
        Path dir = null;
        long warmup = 64L << 20;
        int warmupRuns = 1;
        int chunk = 64 << 10;
        final Set<String> variants = new LinkedHashSet<>();
        boolean verify = true;
        boolean copy = false;
        int portCapacity = 0;
        for (int i = 0; i < args.length; i++) {
            final String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--no-verify" -> verify = false;
                case "--copy" -> copy = true;
                case "--size", "--runs", "--dir", "--warmup-size", "--warmup-runs", "--chunk", "--variants",
                    "--port-capacity" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    final String value = args[++i];
                    switch (arg) {
                        case "--size" -> size = Sizes.parse(value);
                        case "--runs" -> runs = positive(arg, value);
                        case "--dir" -> dir = Path.of(value);
                        case "--warmup-size" -> warmup = Sizes.parse(value);
                        case "--warmup-runs" -> warmupRuns = Integer.parseInt(value);
                        case "--chunk" -> chunk = Math.toIntExact(Sizes.parse(value));
                        case "--port-capacity" -> portCapacity = positive(arg, value);
                        default -> variants.addAll(Arrays.asList(value.split(",")));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        if (size <= 0 || warmup <= 0) {
            throw new IllegalArgumentException("--size and --warmup-size must be positive");
        }
        if (dir == null) {
            final Path shm = Path.of("/dev/shm");
            dir = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        }
        return new Options(size, runs, dir, warmup, Math.max(0, warmupRuns), chunk, variants, verify, copy,
            portCapacity);
    }

    private static int positive(String option, String value) {
        final int n = Integer.parseInt(value);
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + n);
        }
        return n;
    }

    private boolean run() throws Exception {
        final Path work = Files.createDirectories(options.dir()).resolve("flowswitch-bench-" + ProcessHandle.current().pid());
        Files.createDirectories(work);
        FlowSwitch node = null;
        ActorSystem<Void> spareSystem = null;
        try {
            final byte[] keyBytes = new byte[32];
            new SecureRandom().nextBytes(keyBytes);
            final SecretKey key = new SecretKeySpec(keyBytes, "AES");
            final Path input = work.resolve("input.bin");
            final Path warmInput = work.resolve("warmup.bin");
            final String fileSystem = Files.getFileStore(work).type();
            describeMachine(work, fileSystem);

            final long generateStart = System.nanoTime();
            generate(input, options.sizeBytes(), 1);
            generate(warmInput, options.warmupBytes(), 2);
            final byte[] inputSha256 = options.verify() ? Digests.sha256(input) : null;
            out.printf(Locale.ROOT, "input      %s of random bytes written and hashed in %.1f s%n",
                Sizes.format(options.sizeBytes()), (System.nanoTime() - generateStart) / 1e9);

            // The node is started once: its driver and actor system are not part of any run.
            try {
                node = FlowSwitch.start();
            } catch (RuntimeException e) {
                out.println("node       could not start a flowswitch node: " + e);
            }
            final Materializer materializer;
            if (node != null) {
                materializer = Materializer.matFromSystem(node.system());
            } else {
                spareSystem = ActorSystem.create(Behaviors.empty(), "bench");
                materializer = Materializer.matFromSystem(spareSystem);
            }

            final List<Variant> all = new ArrayList<>();
            all.add(new JavaLoopVariant(key, options.chunkBytes(), false));
            all.add(new JavaLoopVariant(key, options.chunkBytes(), true));
            all.add(new PekkoStreamsVariant(materializer, key, options.chunkBytes()));
            if (node != null) {
                final int capacity = options.portCapacityChunks();
                all.add(new FlowswitchVariant(node, keyBytes, Transport.FUSED, 1, options.chunkBytes(), capacity));
                all.add(new FlowswitchVariant(node, keyBytes, Transport.AERON_IPC, 1, options.chunkBytes(), capacity));
                all.add(new FlowswitchVariant(node, keyBytes, Transport.FUSED, 2, options.chunkBytes(), capacity));
            }
            if (options.copy()) {
                all.add(new CopyVariant(null, options.chunkBytes()));
                if (node != null) {
                    all.add(new CopyVariant(node, options.chunkBytes()));
                }
            }
            // Variants that cannot run here, or whose output was wrong: they get no figures at all.
            final Map<String, String> notRun = new LinkedHashMap<>();
            // Runs that failed, by variant: the variant goes on in the next rounds, and the table says so.
            final Map<String, List<String>> failures = new LinkedHashMap<>();
            final List<Variant> variants = new ArrayList<>();
            for (Variant variant : all) {
                if (!options.variants().isEmpty() && !options.variants().contains(variant.name())) {
                    continue;
                }
                final String reason = variant.unavailableReason();
                if (reason != null) {
                    notRun.put(variant.name(), "n/a: " + reason);
                } else {
                    variants.add(variant);
                }
            }

            final long warmStart = System.nanoTime();
            warmCipher(key);
            final Map<String, Samples> samples = new LinkedHashMap<>();
            final Map<String, List<Long>> sizes = new LinkedHashMap<>();
            for (int w = 0; w < options.warmupRuns(); w++) {
                for (Variant variant : variants) {
                    measure(variant, warmInput, work, options.warmupBytes(), null, null, failures);
                }
            }
            out.printf(Locale.ROOT, "warm-up    %d AES-GCM calls, then %d run(s) of every variant on %s: %.1f s%n",
                WARM_CIPHER_CALLS, options.warmupRuns(), Sizes.format(options.warmupBytes()),
                (System.nanoTime() - warmStart) / 1e9);
            Files.deleteIfExists(warmInput);

            final long roundsStart = System.nanoTime();
            for (int round = 1; round <= options.runs(); round++) {
                final boolean last = round == options.runs();
                for (Variant variant : variants) {
                    if (notRun.containsKey(variant.name())) {
                        continue;
                    }
                    final Samples s = samples.computeIfAbsent(variant.name(), k -> new Samples());
                    final List<Long> outSizes = sizes.computeIfAbsent(variant.name(), k -> new ArrayList<>());
                    final boolean ok = measure(variant, input, work, options.sizeBytes(), s, outSizes, failures);
                    if (last && options.verify()) {
                        if (ok) {
                            verifyDecrypts(variant, work, inputSha256, notRun);
                        } else {
                            notRun.putIfAbsent(variant.name() + " (check)", "not decrypted: its last run failed");
                        }
                    }
                    cleanUp(variant, work);
                }
                out.printf(Locale.ROOT, "round %d/%d done (%.0f s)%n", round, options.runs(),
                    (System.nanoTime() - roundsStart) / 1e9);
            }
            printTable(all, samples, sizes, notRun, failures);
            return failures.isEmpty() && notRun.values().stream().noneMatch(v -> v.startsWith("FAILED"));
        } finally {
            if (node != null) {
                node.close();
            }
            if (spareSystem != null) {
                spareSystem.terminate();
            }
            deleteTree(work);
        }
    }

    /**
     * One timed run of {@code variant}. A failed run (an exception, or an output of the wrong size) is
     * recorded under the variant's name in {@code failures} and gives no sample.
     *
     * @return whether the run succeeded
     */
    private boolean measure(Variant variant, Path in, Path work, long inputBytes, Samples samples,
        List<Long> outSizes, Map<String, List<String>> failures) {
        final Path target = output(variant, work);
        try {
            variant.prepare(target, inputBytes);
            System.gc();
            final long host0 = HostCpu.busyNs();
            final long cpu0 = os.getProcessCpuTime();
            final long t0 = System.nanoTime();
            final long flowNs = variant.run(in, target);
            final long wallNs = System.nanoTime() - t0;
            final long cpuNs = os.getProcessCpuTime() - cpu0;
            final long host1 = HostCpu.busyNs();
            final long otherNs = host0 < 0 || host1 < 0 ? -1 : Math.max(0, host1 - host0 - cpuNs);
            final long written = Files.size(target);
            final long expected = variant.expectedOutputBytes(inputBytes);
            if (expected >= 0 && written != expected) {
                throw new IllegalStateException("wrote " + written + " bytes, expected " + expected);
            }
            if (expected < 0 && written < ChunkCipher.sealedSize(inputBytes, options.chunkBytes())) {
                throw new IllegalStateException("wrote " + written + " bytes: less than the input plus one tag per chunk");
            }
            if (samples != null) {
                samples.add(new Samples.Run(wallNs, cpuNs, flowNs, otherNs));
                outSizes.add(written);
            }
            return true;
        } catch (Exception e) {
            failures.computeIfAbsent(variant.name(), k -> new ArrayList<>())
                .add((samples == null ? "warm-up: " : "") + describe(e));
            return false;
        } finally {
            if (samples == null) {
                cleanUp(variant, work);
            }
        }
    }

    private void verifyDecrypts(Variant variant, Path work, byte[] inputSha256, Map<String, String> notRun) {
        try {
            final byte[] sha = variant.decryptedSha256(output(variant, work), work.resolve("verify.dec"));
            if (sha == null) {
                notRun.putIfAbsent(variant.name() + " (check)", "not decrypted: no decrypt device in this build");
            } else if (!Arrays.equals(sha, inputSha256)) {
                notRun.put(variant.name(), "FAILED: output does not decrypt to the input (SHA-256 "
                    + HexFormat.of().formatHex(sha) + " vs " + HexFormat.of().formatHex(inputSha256) + ")");
            }
        } catch (Exception e) {
            notRun.put(variant.name(), "FAILED: output did not decrypt: " + describe(e));
        }
    }

    private static Path output(Variant variant, Path work) {
        return work.resolve(variant.name() + ".out");
    }

    private static void cleanUp(Variant variant, Path work) {
        if (!variant.overwritesOutput()) {
            try {
                Files.deleteIfExists(output(variant, work));
            } catch (IOException e) {
                // The whole directory is removed at the end.
            }
        }
    }

    private static void warmCipher(SecretKey key) {
        final ChunkCipher cipher = ChunkCipher.encryptor(key);
        final byte[] plain = new byte[64 << 10];
        final byte[] sealed = new byte[plain.length + ChunkCipher.TAG_BYTES];
        for (int i = 0; i < WARM_CIPHER_CALLS; i++) {
            cipher.process(plain, 0, plain.length, sealed, 0);
        }
    }

    private static void generate(Path file, long bytes, long seed) throws IOException {
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] block = new byte[GENERATE_BLOCK_BYTES];
        final ByteBuffer buffer = ByteBuffer.wrap(block);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            long left = bytes;
            while (left > 0) {
                random.nextBytes(block);
                buffer.clear().limit((int) Math.min(block.length, left));
                while (buffer.hasRemaining()) {
                    left -= channel.write(buffer);
                }
            }
        }
    }

    private void describeMachine(Path work, String fileSystem) {
        out.println("flowswitch EncryptFileBench: AES-256-GCM, file to file, side by side");
        out.println("date       " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
        out.println("jdk        " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name")
            + ", " + System.getProperty("java.vm.vendor") + ")");
        out.println("cpu        " + Runtime.getRuntime().availableProcessors() + " cores" + cpuModel());
        out.printf(Locale.ROOT, "memory     %.1f GiB, max heap %s%n", os.getTotalMemorySize() / (double) (1L << 30),
            Sizes.format(Runtime.getRuntime().maxMemory()));
        out.println("os         " + System.getProperty("os.name") + " " + System.getProperty("os.version"));
        out.println("files      " + work + " on " + fileSystem);
        out.printf(Locale.ROOT, "method     %s input, %s chunks, %d round(s), variants interleaved in each round%n",
            Sizes.format(options.sizeBytes()), Sizes.format(options.chunkBytes()), options.runs());
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> ", " + l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private void printTable(List<Variant> all, Map<String, Samples> samples, Map<String, List<Long>> sizes,
        Map<String, String> notRun, Map<String, List<String>> failures) {
        final long bytes = options.sizeBytes();
        final double a = medianRate(samples, "a", notRun, bytes);
        final double b = medianRate(samples, "b", notRun, bytes);
        out.println();
        final double aQuiet = medianRate(quietSamples(samples), "a", notRun, bytes);
        final double bQuiet = medianRate(quietSamples(samples), "b", notRun, bytes);
        out.printf(Locale.ROOT, "%-12s %5s %8s %13s %6s %8s %6s %6s %9s %14s %12s %6s %6s%n",
            "variant", "runs", "GB/s", "min-max", "CPU%", "CPU ns/B", "c/a", "c/b", "setup ms", "other% med/max",
            "quiet GB/s", "c/a", "c/b");
        for (Variant variant : all) {
            final Samples s = samples.get(variant.name());
            final String status = notRun.get(variant.name());
            final List<String> failed = failures.getOrDefault(variant.name(), List.of());
            if (s == null || s.size() == 0 || status != null) {
                final String why = status != null ? status
                    : failed.isEmpty() ? "not run" : "FAILED every run: " + failed.get(failed.size() - 1);
                if (status != null || options.variants().isEmpty() || options.variants().contains(variant.name())) {
                    out.printf(Locale.ROOT, "%-12s %s%n", variant.name(), why);
                }
                continue;
            }
            final double[] rates = s.gigabytesPerSecond(bytes);
            final double median = Samples.median(rates);
            final boolean isFlow = variant instanceof FlowswitchVariant;
            final double[] other = s.otherPercent();
            final Samples quiet = s.quiet(QUIET_OTHER_PERCENT);
            final double quietMedian = Samples.median(quiet.gigabytesPerSecond(bytes));
            final long failedRuns = failed.stream().filter(f -> !f.startsWith("warm-up: ")).count();
            out.printf(Locale.ROOT, "%-12s %5s %8.2f %6.2f-%-6.2f %6.0f %8.3f %6s %6s %9s %14s %12s %6s %6s%n",
                variant.name(), failedRuns == 0 ? Integer.toString(s.size()) : s.size() + "/" + (s.size() + failedRuns),
                median, Samples.min(rates), Samples.max(rates),
                Samples.median(s.cpuPercent()), Samples.median(s.cpuNsPerByte(bytes)),
                isFlow ? ratio(median, a) : "", isFlow ? ratio(median, b) : "",
                isFlow && s.overheadMs().length > 0 ? String.format(Locale.ROOT, "%.0f", Samples.median(s.overheadMs()))
                    : "",
                other.length == 0 ? "?" : String.format(Locale.ROOT, "%.0f/%.0f", Samples.median(other), Samples.max(other)),
                quiet.size() == 0 ? "-" : String.format(Locale.ROOT, "%.2f (%d)", quietMedian, quiet.size()),
                isFlow ? ratio(quietMedian, aQuiet) : "", isFlow ? ratio(quietMedian, bQuiet) : "");
        }
        out.println();
        out.println("runs: successful runs (ok/all when some failed; failed runs give no figures).");
        out.println("GB/s: 10^9 input bytes per second of wall time, median of the rounds; c/a, c/b: ratio of medians.");
        out.println("CPU%: process CPU time over wall time (200 = both cores); CPU ns/B: process CPU ns per input byte.");
        out.println("setup ms: run time minus the flow's own elapsed time (lease, compile, open, close).");
        out.println("other%: CPU other processes on this host used during the runs, % of one core (noise indicator).");
        out.printf(Locale.ROOT, "quiet GB/s: median of the runs with other%% <= %.0f (how many), and its ratios.%n",
            QUIET_OTHER_PERCENT);
        for (Variant variant : all) {
            if (samples.containsKey(variant.name())) {
                final List<Long> s = sizes.get(variant.name());
                out.println("  " + variant.name() + ": " + variant.description()
                    + (s == null || s.isEmpty() ? "" : "; output " + s.get(0) + " bytes"));
            }
        }
        for (Variant variant : all) {
            final String breakdown = samples.containsKey(variant.name()) ? variant.lastRunBreakdown() : null;
            if (breakdown != null) {
                out.println("  " + variant.name() + " last run: " + breakdown);
            }
        }
        failures.forEach((name, list) -> out.println("  " + name + ": " + list.size() + " failed run(s), e.g. "
            + list.get(list.size() - 1)));
        notRun.entrySet().stream().filter(e -> e.getKey().endsWith("(check)"))
            .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
            .forEach(e -> out.println("  " + e.getKey() + ": " + e.getValue()));
        out.println(options.verify()
            ? "checks: every output's size; at the end one output of each variant decrypted and compared with the"
                + " input's SHA-256"
            : "checks: every output's size (decryption skipped: --no-verify)");
    }

    private static Map<String, Samples> quietSamples(Map<String, Samples> samples) {
        final Map<String, Samples> quiet = new LinkedHashMap<>();
        samples.forEach((name, s) -> quiet.put(name, s.quiet(QUIET_OTHER_PERCENT)));
        return quiet;
    }

    private static double medianRate(Map<String, Samples> samples, String name, Map<String, String> notRun,
        long bytes) {
        final Samples s = samples.get(name);
        return s == null || s.size() == 0 || notRun.containsKey(name) ? Double.NaN
            : Samples.median(s.gigabytesPerSecond(bytes));
    }

    private static String ratio(double value, double base) {
        return Double.isNaN(value) || Double.isNaN(base) || base == 0 ? "-"
            : String.format(Locale.ROOT, "%.2f", value / base);
    }

    private static String describe(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof java.util.concurrent.ExecutionException
            || cause instanceof java.util.concurrent.CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Best effort: report nothing, the next run uses a new directory name.
                }
            });
        } catch (IOException e) {
            // Best effort, as above.
        }
    }
}
