package io.flowswitch.devices.chunk;

/**
 * The pass-through range of a chunk: bytes of its payload a device must leave untouched and not process,
 * carried in the {@link ChunkHeader} ({@link ChunkFlags#PASS_THROUGH}, offset and length relative to the
 * first payload byte). Stateless.
 */
public final class PassRange {
    private PassRange() {
    }

    /** Marks payload bytes {@code from} (inclusive) to {@code to} (exclusive), cut to the payload's length. */
    public static void set(Chunk chunk, int from, int to) {
        final int length = chunk.payloadLength();
        final int start = Math.min(from, length);
        final int end = Math.min(to, length);
        chunk.header().passThroughOffset(start).passThroughLength(end - start)
            .flags(chunk.header().flags() | ChunkFlags.PASS_THROUGH);
    }

    /** Removes the range: every payload byte is the next device's to process. */
    public static void clear(Chunk chunk) {
        chunk.header().passThroughOffset(0).passThroughLength(0)
            .flags(chunk.header().flags() & ~ChunkFlags.PASS_THROUGH);
    }

    /** Start of the range, relative to the payload; the payload length when the chunk has none. */
    public static int start(Chunk chunk) {
        return chunk.header().hasFlag(ChunkFlags.PASS_THROUGH) ? chunk.header().passThroughOffset()
            : chunk.payloadLength();
    }

    /** End of the range (exclusive), relative to the payload; the payload length when the chunk has none. */
    public static int end(Chunk chunk) {
        return chunk.header().hasFlag(ChunkFlags.PASS_THROUGH)
            ? chunk.header().passThroughOffset() + chunk.header().passThroughLength() : chunk.payloadLength();
    }
}
