package io.flowswitch.bench;

import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.javadsl.SmallRequests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One small request on the direct path (the bypass) alone, on a warm node, one request per operation: what a
 * 1 KiB request costs without a flow, file to file and into a sink the caller reads back, so that the difference
 * is the output file's own cost. With {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes allocated per request.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 *     -jar bench/target/flowswitch-bench.jar SmallRequest -prof gc
 * </pre>
 *
 * The request's file lives in {@code /dev/shm} when there is one (tmpfs, as the experiments run), else in the
 * temporary directory. {@code transform}: {@code crc32c} (a cheap device, so the file work shows) or {@code
 * rate-limit} (the modelled accelerator of {@code experiment small-requests --request accel}, 64 MiB/s).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
    "-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class SmallRequestBenchmark {
    @Param({"1024"})
    public int sizeBytes;

    @Param({"crc32c", "rate-limit"})
    public String transform;

    private Path dir;
    private FlowSwitch node;
    private SmallRequests small;
    private FlowSpec toFile;
    private FlowSpec toNewFile;
    private FlowSpec toDigest;
    private Path out;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        final Path shm = Path.of("/dev/shm");
        dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
            "flowswitch-small-request-bench-");
        final Path in = Files.write(dir.resolve("in.bin"), randomBytes(sizeBytes));
        out = dir.resolve("out.bin");
        final StageSpec device = "rate-limit".equals(transform) ? Devices.rateLimit(64L << 20, 0) : Devices.crc32c();
        toFile = Flows.from(Devices.file(in)).via(device).to(Devices.fileSink(out)).name("request").build();
        toNewFile = Flows.from(Devices.file(in)).via(device)
            .to(StageSpec.of("file-sink", "path", out.toString(), "overwrite", "false")).name("request").build();
        toDigest = Flows.from(Devices.file(in)).via(device).to(Devices.sha256Sink()).name("request").build();
        node = FlowSwitch.start();
        small = node.smallRequests();
    }

    /** File to file, replacing the output of the request before (overwrite = true, the default). */
    @Benchmark
    public FlowResult fileToFile() {
        return succeeded(small.direct(toFile));
    }

    /**
     * File to a file that must not exist yet (overwrite = false: published by hard link), the output deleted after
     * each request, inside the operation: subtract {@link #deleteOnly} for the request alone.
     */
    @Benchmark
    public FlowResult fileToNewFile() throws IOException {
        final FlowResult result = succeeded(small.direct(toNewFile));
        Files.delete(out);
        return result;
    }

    /** What {@link #fileToNewFile} pays for deleting its output: creating an empty file and deleting it. */
    @Benchmark
    public void deleteOnly() throws IOException {
        Files.delete(Files.createFile(out));
    }

    /** Into the caller's sink: the output's SHA-256 in the result, no output file. */
    @Benchmark
    public FlowResult fileToDigest() {
        return succeeded(small.direct(toDigest));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        node.close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    private static byte[] randomBytes(int length) {
        final byte[] bytes = new byte[length];
        new java.util.SplittableRandom(11).nextBytes(bytes);
        return bytes;
    }

    private static FlowResult succeeded(FlowResult result) {
        if (!result.succeeded()) {
            throw new IllegalStateException("request failed: " + result.error(), result.error());
        }
        return result;
    }
}
