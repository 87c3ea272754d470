package io.flowswitch.devices.pass;

import io.flowswitch.devices.ForwardingTransform;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.chunk.PassRange;

/**
 * Runs a pass-through device with a range of every chunk marked untouchable: marks each input chunk
 * before handing it over, and unmarks each output chunk before handing it on.
 *
 * <p>Ownership: an input chunk passes to the device with {@link #accept}; an output chunk passes from
 * it to the caller with {@link #poll}. Closing this closes the device. No allocation per chunk. Not
 * thread-safe: one stage thread drives it.
 */
public final class PassDevice extends ForwardingTransform {
    private final int from;
    private final int to;

    /** @param device owned from now on: closed with this */
    PassDevice(TransformDevice device, int from, int to) {
        super(device);
        this.from = from;
        this.to = to;
    }

    /** Marks the range on {@code input} and passes it, and its ownership, to the device. */
    @Override
    public void accept(Chunk input) {
        PassRange.set(input, from, to);
        device.accept(input);
    }

    /** The device's next output, unmarked, owned by the caller. */
    @Override
    public Chunk poll(ChunkPool pool) {
        final Chunk out = device.poll(pool);
        if (out != null) {
            PassRange.clear(out);
        }
        return out;
    }
}
