package io.flowswitch.devices;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;

/**
 * Base for a transform that wraps another (a fault injected into it): every call goes on to the wrapped
 * transform unless the wrapper overrides it. Ownership of chunks is the wrapped transform's, plus whatever
 * the wrapper keeps back itself (it releases that in {@link #close}). One thread at a time, as the wrapped
 * transform.
 */
public abstract class ForwardingTransform extends ForwardingDevice<TransformDevice> implements TransformDevice {
    protected ForwardingTransform(TransformDevice device) {
        super(device);
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
}
