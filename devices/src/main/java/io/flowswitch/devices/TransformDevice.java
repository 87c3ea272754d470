package io.flowswitch.devices;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;

/**
 * A device that turns input chunks into output chunks, driven by demand.
 *
 * <p>The stage offers input only when {@link #needsInput()} and asks for output one chunk at a time,
 * so a device that expands its input (a decompressor) produces only what downstream asked for.
 * A device that works in place returns its input chunk as output.
 */
public interface TransformDevice extends Device {
    /** Whether the device can take another input chunk now. */
    boolean needsInput();

    /**
     * Hands an input chunk to the device; ownership passes to it. Only called when {@link #needsInput()}.
     *
     * @throws DeviceException when the input is invalid (e.g. fails authentication)
     */
    void accept(Chunk input);

    /** Upstream has no more input; the device may now produce its trailer. */
    void endOfInput();

    /**
     * Produces the next output chunk, owned by the caller, or {@code null} when the device needs more
     * input, or is finished, or found {@code pool} empty (then {@link #isFinished()} is still false
     * and {@link #needsInput()} false: the stage waits for the pool).
     *
     * @throws DeviceException when processing fails
     */
    Chunk poll(ChunkPool pool);

    /** True once {@link #endOfInput()} was called and every output chunk was handed out. */
    boolean isFinished();
}
