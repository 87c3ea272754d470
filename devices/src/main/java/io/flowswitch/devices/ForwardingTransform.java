package io.flowswitch.devices;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.Map;

/**
 * Base for a transform that wraps another (a fault injected into it): every call goes on to the wrapped
 * transform unless the wrapper overrides it. Ownership of chunks is the wrapped transform's, plus whatever
 * the wrapper keeps back itself (it releases that in {@link #close}). The wrapper owns the wrapped transform
 * and closes it. One thread at a time, as the wrapped transform.
 */
public abstract class ForwardingTransform implements TransformDevice {
    /** The wrapped transform. */
    protected final TransformDevice device;

    protected ForwardingTransform(TransformDevice device) {
        this.device = device;
    }

    @Override
    public boolean needsInput() {
        return device.needsInput();
    }

    @Override
    public void accept(Chunk input) {
        device.accept(input);
    }

    @Override
    public void endOfInput() {
        device.endOfInput();
    }

    @Override
    public Chunk poll(ChunkPool pool) {
        return device.poll(pool);
    }

    @Override
    public boolean isFinished() {
        return device.isFinished();
    }

    @Override
    public Map<String, String> results() {
        return device.results();
    }

    @Override
    public void close() {
        device.close();
    }
}
