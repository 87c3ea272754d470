package io.flowswitch.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.chunk.ChunkPool;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SelfBenchmarkTest {
    private static final long MAX_TIME_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private final SelfBenchmark benchmark = new SelfBenchmark(32L << 20, MAX_TIME_NS);
    private final DeviceCatalog catalog = DeviceCatalog.builtIn();

    private DeviceKind kind(String name) {
        return catalog.find(name).orElseThrow();
    }

    /**
     * What a node relies on: a positive rate that is the bytes the benchmark counted over the time it
     * counted, a run that ends at one of its bounds (never before, never past the byte bound), and every
     * chunk back in the pool. Wall-clock limits are not asserted: a loaded machine only makes the run
     * slower, which the time bound is there to absorb.
     */
    @Test
    void sha256MeasuresAPositiveRateWithinItsBoundAndReturnsEveryChunk() {
        final ChunkPool pool = new ChunkPool(SelfBenchmark.CHUNK_BYTES, SelfBenchmark.POOL_CHUNKS);
        final SelfBenchmark.Result result = benchmark.run(kind("sha256"), pool).orElseThrow();

        final long timedBytesBound = (32L << 20) - (32L << 20) / SelfBenchmark.WARM_UP_DIVISOR;
        assertTrue(result.bytes() > 0 && result.bytes() <= timedBytesBound, () -> "bytes " + result.bytes());
        assertEquals(0, result.bytes() % SelfBenchmark.CHUNK_BYTES, "whole chunks only");
        assertTrue(result.bytesPerSecond() > 0, () -> "rate " + result.bytesPerSecond());
        assertEquals(result.bytes() * 1e9 / result.elapsedNs(), result.averageBytesPerSecond(), 0.0,
            "the average rate is the counted bytes over the counted time");
        assertStoppedAtABound(result, timedBytesBound, MAX_TIME_NS);
        assertEquals(pool.capacityChunks(), pool.available(), "every chunk back in the pool");
    }

    @Test
    void timeBoundStopsTheRunBeforeTheByteBound() {
        final long maxTimeNs = TimeUnit.MILLISECONDS.toNanos(20);
        final SelfBenchmark tiny = new SelfBenchmark(1L << 40, maxTimeNs);
        final SelfBenchmark.Result result = tiny.run(kind("crc32c")).orElseThrow();
        assertTrue(result.bytes() < (1L << 40) - (1L << 40) / SelfBenchmark.WARM_UP_DIVISOR);
        assertStoppedAtABound(result, (1L << 40) - (1L << 40) / SelfBenchmark.WARM_UP_DIVISOR, maxTimeNs);
    }

    /**
     * The run ended because the next chunk would reach the byte bound, or because its timed part (the
     * time bound less the warm-up's share) was used up: only a lower bound on time, which load cannot break.
     */
    private static void assertStoppedAtABound(SelfBenchmark.Result result, long timedBytesBound, long maxTimeNs) {
        final boolean byteBound = result.bytes() >= timedBytesBound;
        final boolean timeBound = result.elapsedNs() >= maxTimeNs - maxTimeNs / SelfBenchmark.WARM_UP_DIVISOR;
        assertTrue(byteBound || timeBound, () -> "stopped early: " + result.bytes() + " bytes in "
            + result.elapsedNs() + " ns");
    }

    @Test
    void byteBoundStopsTheRunBeforeTheTimeBound() {
        final SelfBenchmark small = new SelfBenchmark(8L * SelfBenchmark.CHUNK_BYTES, TimeUnit.SECONDS.toNanos(60));
        final SelfBenchmark.Result result = small.run(kind("sha256")).orElseThrow();
        assertEquals(6L * SelfBenchmark.CHUNK_BYTES, result.bytes(), "a quarter warms up, the rest is timed");
    }

    @Test
    void encryptAndGzipRunWithBenchmarkParametersAndReturnEveryChunk() {
        for (String name : new String[] {"aes-gcm-encrypt", "gzip"}) {
            final ChunkPool pool = new ChunkPool(SelfBenchmark.CHUNK_BYTES, SelfBenchmark.POOL_CHUNKS);
            final SelfBenchmark.Result result = new SelfBenchmark(2L << 20, TimeUnit.MILLISECONDS.toNanos(100))
                .run(kind(name), pool).orElseThrow();
            assertTrue(result.bytesPerSecond() > 0, name);
            assertEquals(pool.capacityChunks(), pool.available(), name + ": every chunk back in the pool");
        }
    }

    @Test
    void kindsThatNeedAStreamAPathOrAConfiguredRateAreSkipped() {
        for (String name : new String[] {"rate-limit", "aes-gcm-decrypt", "gunzip", "file-source", "file-sink",
            "tcp-source", "tcp-sink"}) {
            final Optional<SelfBenchmark.Result> result = benchmark.run(kind(name));
            assertTrue(result.isEmpty(), name);
        }
    }
}
