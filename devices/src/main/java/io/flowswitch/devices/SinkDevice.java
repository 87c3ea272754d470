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

    /** All data was written: flush, make durable, publish. */
    void finish();

    /** The flow failed: remove or mark partial output. Never throws. */
    void abort(Throwable cause);
}
