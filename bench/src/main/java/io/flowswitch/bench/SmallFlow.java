package io.flowswitch.bench;

import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The small flow the set-up benchmarks time: file, rate-limit (never limiting), crc32c, sha256, file, over
 * one 4 KiB chunk in a fresh directory. Read from the benchmark's arguments {@code [flows] [dir] [chunk-bytes]}
 * (a larger chunk size moves the same 4 KiB in one chunk, but sizes the flow's buffers by it); closing
 * deletes the files and the directory.
 */
final class SmallFlow implements AutoCloseable {
    /** How the flow reads in the benchmarks' first output line. */
    static final String DESCRIPTION = "5-stage flow (file -> rate-limit -> crc32c -> sha256 -> file, one 4 KiB chunk";

    final int flows;
    final int chunkBytes;
    final FlowSpec spec;
    private final Path dir;
    private final Path in;
    private final Path out;

    private SmallFlow(int flows, Path dir, int chunkBytes) throws IOException {
        this.flows = flows;
        this.chunkBytes = chunkBytes;
        this.dir = dir;
        this.in = Files.write(dir.resolve("in.bin"), new byte[4096]);
        this.out = dir.resolve("out.bin");
        this.spec = Flows.from(Devices.file(in))
            .via(Devices.rateLimit(1L << 40, 0))
            .via(Devices.crc32c())
            .via(Devices.sha256())
            .to(Devices.fileSink(out))
            .chunkBytes(chunkBytes)
            .build();
    }

    /** {@code args}: {@code [flows] [dir] [chunk-bytes]}, 5,000 flows under the temporary directory, 4 KiB chunks by default. */
    static SmallFlow fromArgs(String[] args, String prefix) throws IOException {
        final int flows = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        final Path dir = Files.createTempDirectory(args.length > 1 ? Path.of(args[1])
            : Path.of(System.getProperty("java.io.tmpdir")), prefix);
        return new SmallFlow(flows, dir, args.length > 2 ? Integer.parseInt(args[2]) : 4096);
    }

    /**
     * Flows run untimed first: a fifth of the timed ones, and at least 5000, since on two cores the JIT compiles for
     * some seconds of small flows, competing with them (after 1000 flows one in a hundred still waits 2-4 ms).
     */
    int warmUpFlows() {
        return Math.max(flows / 5, 5_000);
    }

    /** Throws unless the flow succeeded, so that a failing flow is never timed as a fast one. */
    static void requireSucceeded(FlowResult result) {
        if (!result.succeeded()) {
            throw new IllegalStateException("flow failed: " + result.error(), result.error());
        }
    }

    static Histogram newHistogram() {
        return new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(out);
        Files.deleteIfExists(in);
        Files.deleteIfExists(dir);
    }
}
