package io.flowswitch.devices;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.compress.GzipKind;
import io.flowswitch.devices.crypto.AesGcmEncryptKind;
import io.flowswitch.devices.digest.Crc32cKind;
import io.flowswitch.devices.digest.Sha256Kind;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * A short, bounded measurement of how fast one instance of a transform kind runs on this machine: chunks of
 * {@link FlowContext#DEFAULT_CHUNK_BYTES} of semi-compressible data go through a fresh instance until
 * {@code maxBytes} have gone in or {@code maxTimeNs} have passed, whichever is first; the rate is input
 * bytes over elapsed time, after a warm-up of the first quarter of either bound (untimed), or the best
 * 1 MiB window's rate when that is higher ({@link Result#bytesPerSecond()} says why).
 *
 * <p>Only kinds whose parameters can be supplied safely are measured: {@code sha256} and {@code crc32c}
 * (none), {@code aes-gcm-encrypt} (a random throwaway key that lives only in the benchmark's flow context)
 * and {@code gzip} (level 6). Others are skipped: a rate limiter's rate is its parameter, a decryptor or
 * decompressor needs a valid stream, and sources and sinks run at the speed of their file or socket.
 *
 * <p>Data-plane code, no threads of its own: the caller's thread runs the device, so call it off any
 * dispatcher that must not block. Every chunk goes back to the benchmark's own pool. Thread-safe (no
 * shared state).
 */
public final class SelfBenchmark {
    /** Payload bytes per chunk. */
    public static final int CHUNK_BYTES = FlowContext.DEFAULT_CHUNK_BYTES;
    /** Chunks the benchmark's pool holds; enough for a device that keeps its input while it emits output. */
    static final int POOL_CHUNKS = 8;
    /**
     * The share of each bound spent warming up before the clock starts: the JIT compiles a device's inner
     * loops only after some hundreds of calls, and a kind measured cold would be planned as a slow one.
     */
    static final int WARM_UP_DIVISOR = 4;
    private static final String KEY_NAME = "self-benchmark";
    private static final long FLOW_ID = 0;

    /** The parameters each measurable kind runs with; a kind not listed is not measured. */
    private static final Map<String, Map<String, String>> PARAMETERS = Map.of(
        Sha256Kind.NAME, Map.of(),
        Crc32cKind.NAME, Map.of(),
        AesGcmEncryptKind.NAME, Map.of("key", KEY_NAME),
        GzipKind.NAME, Map.of("level", "6"));

    /** Chunks per window: the rate reported is the best window's, 1 MiB of input at the default chunk size. */
    static final int WINDOW_CHUNKS = 16;

    /**
     * One measurement.
     *
     * @param bytes input bytes timed (the warm-up excluded)
     * @param elapsedNs time they took, including the device's end of input
     * @param bestWindowBytesPerSecond the fastest {@link #WINDOW_CHUNKS} consecutive timed chunks; 0 when the
     *     run was shorter than one window
     */
    public record Result(String kind, long bytes, long elapsedNs, double bestWindowBytesPerSecond) {
        /** Bytes over elapsed time, warm-up excluded. */
        public double averageBytesPerSecond() {
            return elapsedNs <= 0 ? 0 : bytes * 1e9 / elapsedNs;
        }

        /**
         * The rate to plan with: the best window's, else the average. The JIT compiles a device's hot code
         * (the AES and GHASH intrinsics, say) at unpredictable moments of a short run, so the average
         * understates what the device does once warm by up to an order of magnitude; the fastest window
         * is what it already did. Flows then correct the figure with what they measure.
         */
        public double bytesPerSecond() {
            return Math.max(bestWindowBytesPerSecond, averageBytesPerSecond());
        }
    }

    private final long maxBytes;
    private final long maxTimeNs;

    /**
     * @param maxBytes at most this many input bytes per kind (at least one chunk is always run)
     * @param maxTimeNs at most about this long per kind, not counting the instance's creation
     */
    public SelfBenchmark(long maxBytes, long maxTimeNs) {
        if (maxBytes < CHUNK_BYTES) {
            throw new IllegalArgumentException("a self-benchmark needs maxBytes >= " + CHUNK_BYTES + ", got " + maxBytes);
        }
        if (maxTimeNs <= 0) {
            throw new IllegalArgumentException("a self-benchmark needs maxTimeNs > 0, got " + maxTimeNs);
        }
        this.maxBytes = maxBytes;
        this.maxTimeNs = maxTimeNs;
    }

    /** The kinds this benchmark knows how to run. */
    public static Set<String> measurableKinds() {
        return PARAMETERS.keySet();
    }

    /** Whether {@code kind} is a transform with parameters this benchmark can supply. */
    public static boolean measurable(DeviceKind kind) {
        return kind.role() == DeviceRole.TRANSFORM && PARAMETERS.containsKey(kind.name());
    }

    /**
     * Measures {@code kind}, or returns empty when it is not {@link #measurable}.
     *
     * @throws DeviceException when the device fails on the benchmark's data
     */
    public Optional<Result> run(DeviceKind kind) {
        return run(kind, new ChunkPool(CHUNK_BYTES, POOL_CHUNKS));
    }

    /** As {@link #run(DeviceKind)}, with chunks from {@code pool} (of {@link #CHUNK_BYTES} payloads). */
    Optional<Result> run(DeviceKind kind, ChunkPool pool) {
        if (!measurable(kind)) {
            return Optional.empty();
        }
        final byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        final FlowContext context = new FlowContext(FLOW_ID, CHUNK_BYTES,
            Map.of(KEY_NAME, new SecretKeySpec(key, "AES")));
        final DeviceParams params = new DeviceParams("self-benchmark (" + kind.name() + ")",
            PARAMETERS.get(kind.name()));
        kind.validate(params, context);
        final byte[] data = sampleData(CHUNK_BYTES);
        final Device device = kind.create(params, context);
        if (!(device instanceof TransformDevice transform)) {
            device.close();
            return Optional.empty();
        }
        final Result result;
        try (transform) {
            result = drive(kind.name(), transform, pool, data);
        }
        if (pool.available() != pool.capacityChunks()) {
            throw new DeviceException("SELF_BENCHMARK", "self-benchmark of " + kind.name() + " kept "
                + (pool.capacityChunks() - pool.available()) + " chunk(s) of its pool");
        }
        return Optional.of(result);
    }

    private Result drive(String kind, TransformDevice device, ChunkPool pool, byte[] data) {
        final long warmUpBytes = maxBytes / WARM_UP_DIVISOR;
        final long warmUpEndNs = System.nanoTime() + maxTimeNs / WARM_UP_DIVISOR;
        boolean warming = true;
        long startNs = 0;
        long sequence = 0;
        long timedBytes = 0;
        long windowStartNs = 0;
        int windowChunks = 0;
        double bestWindow = 0;
        while (true) {
            if (warming && (sequence * CHUNK_BYTES >= warmUpBytes || System.nanoTime() - warmUpEndNs >= 0)) {
                warming = false;
                startNs = System.nanoTime();
                windowStartNs = startNs;
            }
            final boolean last = !warming
                && (timedBytes + CHUNK_BYTES >= maxBytes - warmUpBytes || System.nanoTime() - startNs >= maxTimeNs
                    - maxTimeNs / WARM_UP_DIVISOR);
            while (!device.needsInput()) {
                if (!drainOne(device, pool)) {
                    throw stuck(kind);
                }
            }
            final Chunk chunk = pool.acquire();
            if (chunk == null) {
                throw stuck(kind);
            }
            System.arraycopy(data, 0, chunk.array(), Chunk.HEADROOM, CHUNK_BYTES);
            chunk.payload(Chunk.HEADROOM, CHUNK_BYTES);
            chunk.header().flowId(FLOW_ID).sequence(sequence).byteOffset(sequence * CHUNK_BYTES)
                .flags((sequence == 0 ? ChunkFlags.FIRST : 0) | (last ? ChunkFlags.LAST : 0));
            device.accept(chunk);
            if (!warming) {
                timedBytes += CHUNK_BYTES;
            }
            sequence++;
            while (!device.needsInput() && drainOne(device, pool)) {
                // hand out what the chunk produced
            }
            if (!warming && ++windowChunks == WINDOW_CHUNKS) {
                final long nowNs = System.nanoTime();
                bestWindow = Math.max(bestWindow, (double) WINDOW_CHUNKS * CHUNK_BYTES * 1e9
                    / Math.max(1, nowNs - windowStartNs));
                windowStartNs = nowNs;
                windowChunks = 0;
            }
            if (last) {
                break;
            }
        }
        device.endOfInput();
        while (!device.isFinished()) {
            if (!drainOne(device, pool) && !device.isFinished()) {
                throw stuck(kind);
            }
        }
        return new Result(kind, timedBytes, Math.max(1, System.nanoTime() - startNs), bestWindow);
    }

    private static boolean drainOne(TransformDevice device, ChunkPool pool) {
        final Chunk chunk = device.poll(pool);
        if (chunk == null) {
            return false;
        }
        chunk.release();
        return true;
    }

    private static DeviceException stuck(String kind) {
        return new DeviceException("SELF_BENCHMARK", "self-benchmark of " + kind
            + ": the device neither took input nor produced output");
    }

    /**
     * Bytes that compress about as well as ordinary files: runs of text between runs of random bytes, from
     * a fixed seed so every node measures the same data.
     */
    static byte[] sampleData(int length) {
        final Random random = new Random(0x5e1fbe7cL);
        final byte[] text = ("flowswitch moves chunks of data through devices; a flow's peak is its slowest "
            + "device. ").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final byte[] data = new byte[length];
        for (int i = 0; i < length; i += 128) {
            final int end = Math.min(length, i + 128);
            if (random.nextBoolean()) {
                for (int j = i; j < end; j++) {
                    data[j] = text[(j + random.nextInt(4)) % text.length];
                }
            } else {
                final byte[] noise = new byte[end - i];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, data, i, noise.length);
            }
        }
        return data;
    }
}
