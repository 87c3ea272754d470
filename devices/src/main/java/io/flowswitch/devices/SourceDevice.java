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

    /** Total bytes this source will produce, when known up front (a file); -1 otherwise (a socket). */
    default long sizeBytes() {
        return -1;
    }
}
