package io.flowswitch.devices;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;

/**
 * Base for a transform that turns each input chunk into exactly one output chunk, in place
 * (a cipher using the chunk's head- and tailroom, a digest tap, a rate limiter). Holds at most one chunk.
 */
public abstract class InPlaceTransform implements TransformDevice {
    private Chunk pending;
    private boolean ended;

    /**
     * Processes {@code chunk} in place; it stays owned by this device until it is handed out as output.
     *
     * @throws DeviceException when processing fails
     */
    protected abstract void process(Chunk chunk);

    /** Called once after the last chunk, before the device reports finished. */
    protected void onEnd() {
    }

    @Override
    public final boolean needsInput() {
        return pending == null && !ended;
    }

    @Override
    public final void accept(Chunk input) {
        if (pending != null) {
            throw new IllegalStateException("accept() while a chunk is pending");
        }
        try {
            process(input);
        } catch (RuntimeException e) {
            input.release();
            throw e;
        }
        pending = input;
    }

    @Override
    public final void endOfInput() {
        if (!ended) {
            ended = true;
            onEnd();
        }
    }

    @Override
    public final Chunk poll(ChunkPool pool) {
        final Chunk out = pending;
        pending = null;
        return out;
    }

    @Override
    public final boolean isFinished() {
        return ended && pending == null;
    }

    @Override
    public void close() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
