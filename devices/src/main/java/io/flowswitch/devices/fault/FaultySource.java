package io.flowswitch.devices.fault;

import io.flowswitch.devices.ForwardingSource;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;

/**
 * A source with a {@link Fault} injected: the read of chunk n (counted from 0) fails or is delayed before
 * any byte is read, so a retried read gives the same bytes. One thread at a time.
 */
final class FaultySource extends ForwardingSource {
    private final FaultState state;
    private final boolean primary;
    private final String stage;
    private long reads;

    FaultySource(SourceDevice device, FaultState state, boolean primary, String stage) {
        super(device);
        this.state = state;
        this.primary = primary;
        this.stage = stage;
    }

    @Override
    public int read(Chunk chunk) {
        FaultInjection.failOrDelay(state, primary, stage, reads);
        final int n = device.read(chunk);
        reads++;
        return n;
    }

    @Override
    public int readChunk(Chunk chunk, long index) {
        FaultInjection.failOrDelay(state, primary, stage, index);
        return device.readChunk(chunk, index);
    }

}
