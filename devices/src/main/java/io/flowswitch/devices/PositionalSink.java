package io.flowswitch.devices;

import java.nio.ByteBuffer;

/**
 * A sink that writes each chunk at its byte offset rather than after the previous one, so that several
 * lanes of one flow can write into it at once, in any order. {@link #writeAt} is thread-safe;
 * {@link #finish()} and {@link #abort} are called once, after every lane is done (see
 * {@code io.flowswitch.devices.stage.LaneSinks}).
 */
public interface PositionalSink extends SinkDevice {
    /**
     * Writes all remaining bytes of {@code source} at {@code positionBytes} of the output. The caller owns
     * the buffer before and after. Thread-safe.
     *
     * @throws DeviceException when writing fails
     */
    void writeAt(ByteBuffer source, long positionBytes);
}
