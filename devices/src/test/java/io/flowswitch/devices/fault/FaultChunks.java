package io.flowswitch.devices.fault;

import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;

/** Drives one chunk through a fault-wrapped transform, for the fault tests of this package. */
final class FaultChunks {
    private FaultChunks() {
    }

    /**
     * Passes chunk {@code sequence} through {@code device} and releases what comes out; a struck device throws.
     *
     * @return null when the chunk came out (so that a caller can say why in {@code assertNull}'s message)
     */
    static Chunk pass(TransformDevice device, ChunkPool pool, long sequence) {
        final Chunk chunk = pool.acquire();
        chunk.header().sequence(sequence);
        device.accept(chunk);
        device.poll(pool).release();
        return null;
    }
}
