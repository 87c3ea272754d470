package io.flowswitch.devices.crypto;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.function.Consumer;

/**
 * The chunk an encryptor takes from the pool at the end of its input when no chunk was flagged
 * {@link ChunkFlags#LAST}: the end record follows the highest chunk seen, as a chunk of its own. Both
 * encryptors (the device and its software reference) make it here, so their streams end alike.
 */
final class EndRecordChunk {
    private EndRecordChunk() {
    }

    /**
     * Takes a chunk from {@code pool}, numbers it {@code sequence} at plaintext offset {@code plaintextOffset},
     * flags it last (and first when {@code sequence} is 0: the stream was empty, so it carries the file
     * header too), and has {@code seal} turn it into the end record.
     *
     * @return the sealed chunk, owned by the caller; null when the pool is empty
     * @throws RuntimeException what {@code seal} threw; the chunk went back to its pool
     */
    static Chunk take(ChunkPool pool, long flowId, long sequence, long plaintextOffset, Consumer<Chunk> seal) {
        final Chunk end = pool.acquire();
        if (end == null) {
            return null;
        }
        end.header().flowId(flowId).sequence(sequence).byteOffset(plaintextOffset)
            .flags(ChunkFlags.LAST | (sequence == 0 ? ChunkFlags.FIRST : 0));
        try {
            seal.accept(end);
        } catch (RuntimeException e) {
            end.release();
            throw e;
        }
        return end;
    }
}
