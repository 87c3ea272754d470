package io.flowswitch.devices;

import io.flowswitch.devices.chunk.Chunk;

/**
 * A device that consumes the bytes of a flow.
 *
 * <p>A sink never leaves partial output posing as complete: output becomes visible under its final
 * name only in {@link #finish()}; {@link #abort(Throwable)} removes or marks what was written.
 */
public interface SinkDevice extends Device {
    /**
     * Consumes the payload of {@code chunk}. The caller keeps ownership and releases it afterwards.
     *
     * @throws DeviceException when writing fails
     */
    void write(Chunk chunk);

    /**
     * Writes only payload bytes {@code [fromByte, fromByte + lengthBytes)} of {@code chunk}: the rest of a
     * chunk after a partial write, or the part a full disk took. The chunk's payload bounds are as before
     * when this returns or throws. The caller keeps ownership.
     *
     * @throws DeviceException when writing fails
     */
    default void writePart(Chunk chunk, int fromByte, int lengthBytes) {
        final int offset = chunk.payloadOffset();
        final int length = chunk.payloadLength();
        try {
            chunk.payload(offset + fromByte, lengthBytes);
            write(chunk);
        } finally {
            chunk.payload(offset, length);
        }
    }

    /** All data was written: flush, make durable, publish. */
    void finish();

    /** The flow failed: remove or mark partial output. Never throws. */
    void abort(Throwable cause);
}
