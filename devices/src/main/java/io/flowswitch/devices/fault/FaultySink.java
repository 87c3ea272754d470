package io.flowswitch.devices.fault;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.ForwardingSink;
import io.flowswitch.devices.PartialWriteException;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;

/**
 * A sink with a {@link Fault} injected: the write of chunk n fails before any byte is written (so a
 * retried write is safe), is delayed, or meets a peer that reset the connection ({@code peer-reset}, every
 * later write fails too) or a disk that fills in the middle of the write ({@code sink-full},
 * {@link Fault#times()} times: half of what is offered goes in, and the {@link PartialWriteException} says
 * how much). The caller keeps
 * ownership of every chunk, as with any sink. One thread at a time.
 */
final class FaultySink extends ForwardingSink {
    private final FaultState state;
    private final boolean primary;
    private final String stage;

    FaultySink(SinkDevice device, FaultState state, boolean primary, String stage) {
        super(device);
        this.state = state;
        this.primary = primary;
        this.stage = stage;
    }

    @Override
    public void write(Chunk chunk) {
        final long sequence = chunk.header().sequence();
        final Fault fault = state.fault();
        if (fault.type() == Fault.Type.PEER_RESET && primary && sequence >= fault.atChunk()) {
            state.count();
            throw new DeviceException("PEER_RESET", stage + ": the peer reset the connection at chunk " + sequence
                + " (injected fault)");
        }
        if (fault.type() == Fault.Type.SINK_FULL && sequence == fault.atChunk() && state.fire()) {
            throw full(chunk, sequence);
        }
        FaultInjection.failOrDelay(state, primary, stage, sequence);
        device.write(chunk);
    }

    /**
     * The sink fills in the middle of the write: the first half of what is offered goes in, the rest does
     * not. A retry that offered the whole chunk again would put that half in twice.
     */
    private PartialWriteException full(Chunk chunk, long sequence) {
        final int length = chunk.payloadLength();
        final int half = length / 2;
        device.writePart(chunk, 0, half);
        return new PartialWriteException("SINK_FULL", stage + ": no space left for chunk " + sequence + " after "
            + half + " of its " + length + " bytes (injected fault)", half, null);
    }

}
