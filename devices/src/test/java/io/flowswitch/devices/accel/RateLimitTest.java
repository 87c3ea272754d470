package io.flowswitch.devices.accel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.file.FileReference;
import io.flowswitch.devices.testkit.ChunkLoops;
import io.flowswitch.devices.testkit.DeviceHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitTest {
    private static final int CHUNK = 4096;
    private static final String STAGE = "stage 2 (rate-limit)";
    private static final long FAST_BYTES_PER_SECOND = 1L << 40;

    private final RateLimitKind kind = new RateLimitKind();
    private final FlowContext context = new FlowContext(9, CHUNK, Map.of());

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * 1024 * 1024 + 7})
    void passesBytesThroughUnchanged(int size) {
        final byte[] input = ChunkLoops.randomBytes(size, size);
        final RateLimitDevice device = create(FAST_BYTES_PER_SECOND, 0);
        final byte[] output = new DeviceHarness(CHUNK).run(device, input);
        assertEquals(FileReference.sha256Hex(input), FileReference.sha256Hex(output));
        assertArrayEquals(input, output);
        assertEquals(size, device.bytesProcessed());
        assertEquals(Math.max(1, (size + CHUNK - 1) / CHUNK), device.chunksProcessed());
    }

    @Test
    void throughputIsBoundedByTheRate() {
        final int bytes = 4 * 1024 * 1024;
        final long rate = 8L * 1024 * 1024;
        final int chunkBytes = 64 * 1024;
        final RateLimitDevice device = create(rate, 0);
        final byte[] input = ChunkLoops.randomBytes(bytes, 1);

        final long startNs = System.nanoTime();
        final byte[] output = new DeviceHarness(chunkBytes).run(device, input);
        final long elapsedNs = System.nanoTime() - startNs;

        assertArrayEquals(input, output);
        // Lower bound only: a busy machine may be slower than the model, never faster.
        final long modelNs = bytes * 1_000_000_000L / rate;
        assertTrue(elapsedNs >= modelNs * 9 / 10, "took " + elapsedNs + " ns, the model needs " + modelNs);
        assertTrue(device.totalWaitNs() >= modelNs * 8 / 10, "waited " + device.totalWaitNs() + " ns");
        assertEquals(Map.of("bytes", Integer.toString(bytes), "chunks", "64", "wait-ns",
            Long.toString(device.totalWaitNs())), device.results());
    }

    @Test
    void everyChunkWaitsAtLeastTheLatency() {
        final int chunks = 10;
        final long latencyUs = 20_000;
        final RateLimitDevice device = create(FAST_BYTES_PER_SECOND, latencyUs);

        final long startNs = System.nanoTime();
        new DeviceHarness(CHUNK).run(device, new byte[chunks * CHUNK]);
        final long elapsedNs = System.nanoTime() - startNs;

        // The harness offers a chunk only after the previous one left, so the latencies add up.
        final long modelNs = chunks * latencyUs * 1_000;
        assertTrue(elapsedNs >= modelNs * 9 / 10, "took " + elapsedNs + " ns, the model needs " + modelNs);
        assertEquals(chunks, device.chunksProcessed());
    }

    @Test
    void returnsTheSameChunkItWasGiven() {
        final ChunkPool pool = new ChunkPool(CHUNK, 2);
        try (RateLimitDevice device = create(FAST_BYTES_PER_SECOND, 0)) {
            final Chunk chunk = pool.acquire();
            chunk.payload(Chunk.HEADROOM, 100);
            assertTrue(device.needsInput());
            device.accept(chunk);
            assertFalse(device.needsInput());
            final Chunk out = device.poll(pool);
            assertSame(chunk, out);
            out.release();
            device.endOfInput();
            assertTrue(device.isFinished());
        }
        ChunkLoops.requireAllReturned(pool);
    }

    @Test
    void interruptionFailsTheChunkAndReleasesIt() {
        final ChunkPool pool = new ChunkPool(CHUNK, 2);
        try (RateLimitDevice device = create(RateLimitKind.MIN_RATE_BYTES_PER_SECOND, 0)) {
            final Chunk chunk = pool.acquire();
            chunk.payload(Chunk.HEADROOM, CHUNK);
            Thread.currentThread().interrupt();
            final DeviceException e = assertThrows(DeviceException.class, () -> device.accept(chunk));
            assertTrue(Thread.interrupted(), "the interrupt flag is kept");
            assertEquals("INTERRUPTED", e.code());
            assertTrue(e.getMessage().startsWith(STAGE + ": interrupted"), e.getMessage());
        }
        ChunkLoops.requireAllReturned(pool);
    }

    @Test
    void missingOrTooLowRateIsBadParameter() {
        assertBad(DeviceParams.of(STAGE), STAGE + ": parameter 'rate-bytes-per-second' is required");
        assertBad(DeviceParams.of(STAGE, "rate-bytes-per-second", "1023"),
            STAGE + ": parameter 'rate-bytes-per-second' must be between 1024 and ");
        assertBad(DeviceParams.of(STAGE, "rate-bytes-per-second", "8MiB"),
            STAGE + ": parameter 'rate-bytes-per-second' must be a whole number, got '8MiB'");
        assertBad(DeviceParams.of(STAGE, "rate-bytes-per-second", "1024", "latency-us", "-1"),
            STAGE + ": parameter 'latency-us' must be between 0 and ");
        assertBad(DeviceParams.of(STAGE, "rate-bytes-per-second", "1024", "latency-ms", "1"),
            STAGE + ": parameter 'latency-ms' is not a parameter of this device");
    }

    @Test
    void describesItself() {
        assertEquals("rate-limit", kind.name());
        assertEquals(DeviceRole.TRANSFORM, kind.role());
        assertEquals("TRANSFORM", kind.capabilities().getRole());
        assertTrue(kind.capabilities().getPassThrough());
        assertTrue(kind.capabilities().getHasSoftwarePath());
        assertFalse(kind.capabilities().getStateful());
    }

    private void assertBad(DeviceParams params, String messageStart) {
        final DeviceException e = assertThrows(DeviceException.class, () -> kind.validate(params, context));
        assertEquals("BAD_PARAMETER", e.code());
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    private RateLimitDevice create(long rateBytesPerSecond, long latencyUs) {
        return kind.create(DeviceParams.of(STAGE, "rate-bytes-per-second", Long.toString(rateBytesPerSecond),
            "latency-us", Long.toString(latencyUs)), context);
    }
}
