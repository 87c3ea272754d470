package io.flowswitch.devices.testkit;

import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Drives a {@link SourceDevice} or a {@link SinkDevice} without a stream, as a stage would: chunks from a
 * {@link ChunkPool}, header sequence and byte offset set by the driver, every chunk released. Checks that
 * no chunk is left out of the pool. Not thread-safe; one per test thread.
 */
public final class ChunkLoops {
    private ChunkLoops() {
    }

    /** What a source produced: all bytes, and the payload length of each chunk in order. */
    public record Drained(byte[] bytes, List<Integer> chunkLengths) {
    }

    /** Reads {@code source} to its end (without closing it) and returns what it produced. */
    public static Drained drain(SourceDevice source, ChunkPool pool) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<Integer> lengths = new ArrayList<>();
        long sequence = 0;
        long offset = 0;
        while (true) {
            final Chunk chunk = pool.acquire();
            if (chunk == null) {
                throw new AssertionError("pool empty: a chunk was not released");
            }
            try {
                chunk.header().flowId(1).sequence(sequence).byteOffset(offset);
                final int n = source.read(chunk);
                if (n < 0) {
                    break;
                }
                if (n != chunk.payloadLength() || chunk.header().payloadLength() != n) {
                    throw new AssertionError("read() returned " + n + " but the chunk says " + chunk);
                }
                out.write(chunk.array(), chunk.payloadOffset(), n);
                lengths.add(n);
                sequence++;
                offset += n;
            } finally {
                chunk.release();
            }
        }
        requireAllReturned(pool);
        return new Drained(out.toByteArray(), lengths);
    }

    /** Writes {@code input} to {@code sink} in chunks of {@code chunkBytes}; calls neither finish nor abort. */
    public static void feed(SinkDevice sink, ChunkPool pool, byte[] input, int chunkBytes) {
        long sequence = 0;
        for (int position = 0; position < input.length; position += chunkBytes) {
            final int length = Math.min(chunkBytes, input.length - position);
            final Chunk chunk = pool.acquire();
            try {
                System.arraycopy(input, position, chunk.array(), Chunk.HEADROOM, length);
                chunk.payload(Chunk.HEADROOM, length);
                chunk.header().flowId(1).sequence(sequence++).byteOffset(position);
                sink.write(chunk);
            } finally {
                chunk.release();
            }
        }
        requireAllReturned(pool);
    }

    /** Deterministic pseudo-random bytes. */
    public static byte[] randomBytes(int length, long seed) {
        final byte[] bytes = new byte[length];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    public static void requireAllReturned(ChunkPool pool) {
        if (pool.available() != pool.capacityChunks()) {
            throw new AssertionError((pool.capacityChunks() - pool.available()) + " chunk(s) not returned to the pool");
        }
    }
}
