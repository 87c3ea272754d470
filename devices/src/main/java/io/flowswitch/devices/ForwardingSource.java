package io.flowswitch.devices;

import io.flowswitch.devices.chunk.Chunk;

/**
 * Base for a source that wraps another (a fault injected into it): every call goes on to the wrapped source
 * unless the wrapper overrides it, chunks a lending source lends included. Ownership of chunks is as for
 * any source. One thread at a time, as the wrapped source.
 */
public abstract class ForwardingSource extends ForwardingDevice<SourceDevice> implements SourceDevice {
    protected ForwardingSource(SourceDevice device) {
        super(device);
    }

    @Override
    public int read(Chunk chunk) {
        return device.read(chunk);
    }

    @Override
    public int readChunk(Chunk chunk, long index) {
        return device.readChunk(chunk, index);
    }

    @Override
    public Chunk lentChunk() {
        return device.lentChunk();
    }

    @Override
    public boolean handsOverOnly() {
        return device.handsOverOnly();
    }

    @Override
    public long sizeBytes() {
        return device.sizeBytes();
    }
}
