package io.flowswitch.devices.fault;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;
import java.util.Map;

/**
 * A sink with a {@link Fault} injected: the write of chunk n fails before any byte is written (so a
 * retried write is safe), is delayed, or meets a peer that reset the connection ({@code peer-reset}, every
 * later write fails too) or a full disk ({@code sink-full}, {@link Fault#times()} times). The caller keeps
 * ownership of every chunk, as with any sink. One thread at a time.
 */
final class FaultySink implements SinkDevice {
    private final SinkDevice device;
    private final FaultState state;
    private final boolean primary;
    private final String stage;

    FaultySink(SinkDevice device, FaultState state, boolean primary, String stage) {
        this.device = device;
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
            throw new DeviceException("SINK_FULL", stage + ": no space left for chunk " + sequence
                + " (injected fault)");
        }
        FaultInjection.failOrDelay(state, primary, stage, sequence);
        device.write(chunk);
    }

    @Override
    public void finish() {
        device.finish();
    }

    @Override
    public void abort(Throwable cause) {
        device.abort(cause);
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
