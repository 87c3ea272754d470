package io.flowswitch.devices.fault;

import io.flowswitch.devices.ForwardingSource;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;

/**
 * A source with a {@link Fault} injected: the read of chunk n (counted from 0) fails or is delayed before
 * any byte is read, so a retried read gives the same bytes. Read as one of a flow's lanes, chunk n is the
 * chunk index the lane claimed, and a fault that strikes the first instance strikes the lane that reads the
 * fault's chunk ({@link FaultState#strikesSourceLane}). One thread at a time.
 */
final class FaultySource extends ForwardingSource {
    private final FaultState state;
    private final boolean primary;
    private final String stage;
    /** In a flow that runs as lanes, this instance's lane; -1 otherwise. */
    private final int lane;
    private long reads;

    FaultySource(SourceDevice device, FaultState state, boolean primary, int lane, String stage) {
        super(device);
        this.state = state;
        this.primary = primary;
        this.lane = lane;
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
        FaultInjection.failOrDelay(state, lane < 0 ? primary : state.strikesSourceLane(lane, index), stage, index);
        return device.readChunk(chunk, index);
    }

}
