package io.flowswitch.bench;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.PositionalSink;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.accel.RateLimitKind;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.stage.LaneCursor;
import io.flowswitch.devices.stage.LaneSinks;
import io.flowswitch.devices.stage.SinkStage;
import io.flowswitch.devices.stage.SourceStage;
import io.flowswitch.devices.stage.StageCounters;
import io.flowswitch.devices.stage.TransformStage;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.devices.crypto.AesGcmReference;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Graph;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Lanes that claim chunks from a shared {@link LaneCursor} against lanes that read a fixed stride (chunk
 * {@code r, r + k, ...}, {@link StrideLaneSource}, as lanes did before), side by side in one process: the same
 * file, the same lanes as a compiled flow builds them (source, transform, {@link LaneSinks} on one thread
 * each, the blocking dispatcher), alternating which goes first, each output checked against the input's
 * digest (decrypted first, for the cipher). Prints per case the median rate of each, its range, how long
 * after the first lane the last one finished (median), and the median of the per-round ratios cursor /
 * stride. Usage: {@code LaneCursorBench [sizeMiB] [rounds] [dir]}.
 */
public final class LaneCursorBench {
    private static final int CHUNK = 64 * 1024;
    private static final int WARM_UP_ROUNDS = 2;
    private static final String KEY_NAME = "k";
    private static final SecretKey KEY = new SecretKeySpec(new byte[32], "AES");

    /** One flow shape: a transform in {@code lanes} lanes, with its parameters. */
    private record Case(String name, String kind, Map<String, String> params, int lanes, boolean encrypts) {
    }

    /** One run: bytes per second, and how long the last lane finished after the first. */
    private record Run(double bytesPerSecond, long laneSpreadNs) {
    }

    private LaneCursorBench() {
    }

    public static void main(String[] args) throws Exception {
        final int sizeMib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        final Path dir = Files.createTempDirectory(args.length > 2 ? Path.of(args[2])
            : Path.of(System.getProperty("java.io.tmpdir")), "lane-cursor");
        final byte[] data = new byte[sizeMib << 20];
        new Random(1).nextBytes(data);
        final Path in = Files.write(dir.resolve("in.bin"), data);
        final String inputDigest = sha256(in);
        final Path out = dir.resolve("out.bin");
        final List<Case> cases = List.of(
            new Case("file -> rate-limit(unlimited) x4 -> file", "rate-limit",
                Map.of("rate-bytes-per-second", Long.toString(RateLimitKind.MAX_RATE_BYTES_PER_SECOND), "latency-us", "0"),
                4, false),
            new Case("file -> rate-limit(128 MiB/s) x4 -> file", "rate-limit",
                Map.of("rate-bytes-per-second", Long.toString(128L << 20), "latency-us", "0"), 4, false),
            new Case("file -> aes-gcm-encrypt x2 -> file", "aes-gcm-encrypt", Map.of("key", KEY_NAME), 2, true));
        final ActorSystem system = ActorSystem.create("lane-cursor-bench");
        try {
            final Materializer materializer = Materializer.createMaterializer(system);
            System.out.printf(Locale.ROOT, "%d MiB, %d-byte chunks, %d rounds after %d warm-up, %s, JDK %s, load %s%n",
                sizeMib, CHUNK, rounds, WARM_UP_ROUNDS, dir, Runtime.version(), loadAverage());
            System.out.println("case                                     lanes               MB/s(median)  min-max"
                + "          last-first lane done (median ms)  ratio");
            for (Case c : cases) {
                final List<Double> cursor = new ArrayList<>();
                final List<Double> stride = new ArrayList<>();
                final List<Double> ratios = new ArrayList<>();
                final List<Double> cursorSpreadMs = new ArrayList<>();
                final List<Double> strideSpreadMs = new ArrayList<>();
                for (int r = 0; r < rounds + WARM_UP_ROUNDS; r++) {
                    // Which goes first alternates: the second of a pair finds the page cache as the first left it.
                    final boolean cursorFirst = r % 2 == 0;
                    final Run first = run(c, cursorFirst, in, out, materializer, sizeMib);
                    final String firstDigest = plaintextSha256(c, out);
                    final Run second = run(c, !cursorFirst, in, out, materializer, sizeMib);
                    final String secondDigest = plaintextSha256(c, out);
                    if (!firstDigest.equals(inputDigest) || !secondDigest.equals(inputDigest)) {
                        throw new IllegalStateException(c.name() + ": output is not the input: " + firstDigest
                            + " / " + secondDigest + " (input " + inputDigest + ")");
                    }
                    if (r >= WARM_UP_ROUNDS) {
                        final Run withCursor = cursorFirst ? first : second;
                        final Run withStride = cursorFirst ? second : first;
                        cursor.add(withCursor.bytesPerSecond());
                        stride.add(withStride.bytesPerSecond());
                        ratios.add(withCursor.bytesPerSecond() / withStride.bytesPerSecond());
                        cursorSpreadMs.add(withCursor.laneSpreadNs() / 1e6);
                        strideSpreadMs.add(withStride.laneSpreadNs() / 1e6);
                    }
                }
                print(c, "shared cursor", cursor, median(cursorSpreadMs), median(ratios));
                print(c, "fixed stride", stride, median(strideSpreadMs), Double.NaN);
            }
            System.out.println("load at the end " + loadAverage());
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(dir);
        }
    }

    /** Runs {@code c}'s lanes over the file once; returns bytes per second, from materializing to the rename. */
    private static Run run(Case c, boolean withCursor, Path in, Path out, Materializer materializer, int sizeMib)
        throws Exception {
        Files.deleteIfExists(out);
        final DeviceCatalog catalog = DeviceCatalog.builtIn();
        final FlowContext context = new FlowContext(1, CHUNK, Map.of(KEY_NAME, KEY));
        final DeviceKind sourceKind = catalog.find("file-source").orElseThrow();
        final DeviceKind transformKind = catalog.find(c.kind()).orElseThrow();
        final DeviceKind sinkKind = catalog.find("file-sink").orElseThrow();
        final LaneSinks sinks = new LaneSinks((PositionalSink) sinkKind.create(
            new DeviceParams("stage 3 (file-sink)", Map.of("path", out.toString()), c.lanes()), context), c.lanes());
        final LaneCursor cursor = new LaneCursor(c.lanes());
        final List<Device> devices = new ArrayList<>(sinks.lanes());
        final List<CompletableFuture<Done>> lanes = new ArrayList<>();
        final long[] laneDoneNs = new long[c.lanes()];
        final long startNs = System.nanoTime();
        for (int lane = 0; lane < c.lanes(); lane++) {
            final ChunkPool pool = new ChunkPool(CHUNK, 3 + 8);
            final SourceDevice source = (SourceDevice) sourceKind.create(
                new DeviceParams("stage 1 (file-source)", Map.of("path", in.toString()), c.lanes()), context);
            final TransformDevice transform = (TransformDevice) transformKind.create(
                new DeviceParams("stage 2 (" + c.kind() + ")", c.params(), c.lanes()), context);
            final int l = lane;
            devices.add(source);
            devices.add(transform);
            final StageCounters sourceCounters = new StageCounters("1:file-source@lane" + lane);
            final Graph<SourceShape<Chunk>, org.apache.pekko.NotUsed> head = withCursor
                ? new SourceStage(source, pool, 1, sourceCounters, cursor, lane, CHUNK)
                : new StrideLaneSource(source, pool, 1, sourceCounters, lane, c.lanes(), CHUNK);
            lanes.add(Source.fromGraph(head)
                .via(Flow.fromGraph(new TransformStage(transform, pool, new StageCounters("2:" + c.kind() + "@lane" + lane))))
                .toMat(Sink.fromGraph(new SinkStage(sinks.lane(lane), new StageCounters("3:file-sink@lane" + lane))),
                    Keep.right())
                .withAttributes(ActorAttributes.dispatcher(CompiledFlow.BLOCKING_DISPATCHER))
                .run(materializer).toCompletableFuture()
                .whenComplete((done, error) -> laneDoneNs[l] = System.nanoTime()));
        }
        try {
            CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        } finally {
            devices.forEach(Device::close);
        }
        final long elapsedNs = System.nanoTime() - startNs;
        final long spreadNs = java.util.Arrays.stream(laneDoneNs).max().orElse(0)
            - java.util.Arrays.stream(laneDoneNs).min().orElse(0);
        return new Run(((double) sizeMib * (1 << 20)) / elapsedNs * 1e9, spreadNs);
    }

    private static void print(Case c, String variant, List<Double> rates, double spreadMs, double ratio) {
        final List<Double> sorted = new ArrayList<>(rates);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "%-40s %-14s x%d %9.1f   %7.1f-%-7.1f %12.1f %s%n", c.name(), variant,
            c.lanes(), median(rates) / 1e6, sorted.get(0) / 1e6, sorted.get(sorted.size() - 1) / 1e6, spreadMs,
            Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.3f", ratio));
    }

    private static double median(List<Double> values) {
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        final int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The digest of what {@code c} wrote, decrypted first when it encrypts (each stream has a salt of its own). */
    private static String plaintextSha256(Case c, Path file) throws Exception {
        if (!c.encrypts()) {
            return sha256(file);
        }
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream input = Files.newInputStream(file);
             OutputStream plaintext = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            AesGcmReference.decrypt(input, plaintext, KEY);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(Path file) throws Exception {
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        final byte[] buffer = new byte[1 << 20];
        try (InputStream input = Files.newInputStream(file)) {
            for (int n; (n = input.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
