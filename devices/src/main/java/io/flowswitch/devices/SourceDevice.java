package io.flowswitch.devices;

import io.flowswitch.devices.chunk.Chunk;

/** A device that produces the bytes of a flow. */
public interface SourceDevice extends Device {
    /**
     * Fills the payload of {@code chunk} (at {@link Chunk#HEADROOM}, at most {@link Chunk#payloadCapacity()}
     * bytes) and sets its payload range. The caller owns {@code chunk} before and after, and sets the
     * header's flow id, sequence and byte offset.
     *
     * @return the number of payload bytes, or -1 at the end of the data (the chunk is then unused)
     * @throws DeviceException when reading fails
     */
    int read(Chunk chunk);

    /**
     * Fills the chunk with chunk number {@code index} of the source (bytes {@code index * chunkBytes} on),
     * for a source whose kind is {@link DeviceKind#positional()}; several instances may read disjoint
     * chunks of one source at once. An empty source has one empty chunk, number 0.
     *
     * @return the number of payload bytes, or -1 when {@code index} lies past the end
     * @throws UnsupportedOperationException when the source cannot read by position
     */
    default int readChunk(Chunk chunk, long index) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot read chunks by position");
    }

    /**
     * For a source that lends chunks of its own (an application's shared pages, a pipe's staging chunks):
     * the chunk the last {@link #read} produced, which the stage sends instead of the pool chunk it passed
     * (that one it releases at once). Ownership passes to the caller; releasing the chunk gives it back to
     * its lender. {@code null} (the default) when {@code read} filled the pool chunk.
     */
    default Chunk lentChunk() {
        return null;
    }

    /**
     * Whether this source does no work of its own, only waits for chunks someone else filled (an
     * application's pipe): the flow then runs it on the next stage's thread rather than its own, so a chunk
     * costs one cross-thread hand-off instead of two. Default false.
     */
    default boolean handsOverOnly() {
        return false;
    }

    /** Total bytes this source will produce, when known up front (a file); -1 otherwise (a socket). */
    default long sizeBytes() {
        return -1;
    }
}
