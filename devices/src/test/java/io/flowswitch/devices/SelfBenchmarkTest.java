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

    @Test
    void sha256MeasuresAPositiveRateWithinItsBoundAndReturnsEveryChunk() {
        final ChunkPool pool = new ChunkPool(SelfBenchmark.CHUNK_BYTES, SelfBenchmark.POOL_CHUNKS);
        final long startNs = System.nanoTime();
        final SelfBenchmark.Result result = benchmark.run(kind("sha256"), pool).orElseThrow();
        final long tookNs = System.nanoTime() - startNs;

        assertTrue(result.bytesPerSecond() > 0, () -> "rate " + result.bytesPerSecond());
        assertTrue(result.bytes() > 0 && result.bytes() <= 32L << 20, () -> "bytes " + result.bytes());
        // The clock stops at the first chunk past the bound; a chunk of SHA-256 takes well under 100 ms.
        assertTrue(result.elapsedNs() < MAX_TIME_NS + TimeUnit.MILLISECONDS.toNanos(100),
            () -> "elapsed " + result.elapsedNs() + " ns");
        assertTrue(tookNs < TimeUnit.SECONDS.toNanos(2), () -> "took " + tookNs + " ns");
        assertEquals(pool.capacityChunks(), pool.available(), "every chunk back in the pool");
    }

    @Test
    void timeBoundStopsTheRunBeforeTheByteBound() {
        final SelfBenchmark tiny = new SelfBenchmark(1L << 40, TimeUnit.MILLISECONDS.toNanos(20));
        final SelfBenchmark.Result result = tiny.run(kind("crc32c")).orElseThrow();
        assertTrue(result.bytes() < 1L << 40);
        assertTrue(result.elapsedNs() < TimeUnit.MILLISECONDS.toNanos(500), () -> "elapsed " + result.elapsedNs());
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
