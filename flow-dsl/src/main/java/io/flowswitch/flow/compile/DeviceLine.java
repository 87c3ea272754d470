package io.flowswitch.flow.compile;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.stage.StageCounters;
import java.util.ArrayList;
import java.util.List;

/**
 * The transforms and sink of one line of devices, one instance per stage, that a plain loop feeds chunk by
 * chunk on one thread: a {@link DirectLoop}'s, or a {@link LaneLoop}'s. A chunk pushed in goes through each
 * transform as far as the transforms hand it on, and whatever reaches the sink is written and released; each
 * stage's counters count it as the stream stages do. Chunk ownership is as the device interfaces say: a chunk
 * pushed in is the line's. The caller finishes or aborts the sink. Not thread-safe.
 */
final class DeviceLine {
    private final List<TransformDevice> transforms = new ArrayList<>();
    private final SinkDevice sink;
    private final List<StageCounters> counters;
    private final ChunkPool pool;
    private final String stalledCode;
    private final String poolName;

    /**
     * @param devices source, transforms, sink (the source is the caller's to read)
     * @param counters one per device, in the same order
     * @param stalledCode the error code when a transform stalls
     * @param poolName the pool in that error's words, such as "the direct path's pool"
     */
    DeviceLine(List<? extends Device> devices, List<StageCounters> counters, ChunkPool pool, String stalledCode,
        String poolName) {
        for (int i = 1; i < devices.size() - 1; i++) {
            transforms.add((TransformDevice) devices.get(i));
        }
        this.sink = (SinkDevice) devices.get(devices.size() - 1);
        this.counters = counters;
        this.pool = pool;
        this.stalledCode = stalledCode;
        this.poolName = poolName;
    }

    SinkDevice sink() {
        return sink;
    }

    List<TransformDevice> transforms() {
        return transforms;
    }

    /** Hands {@code chunk}, read from the source and the caller's until now, to the first transform or the sink. */
    void push(Chunk chunk) {
        push(0, chunk);
    }

    /**
     * The source has ended: tells each transform in turn that its input ended and passes on what it still hands
     * out; {@code checkStop} runs before each.
     *
     * @throws DeviceException when a transform does not finish
     */
    void endOfInput(Runnable checkStop) {
        for (int t = 0; t < transforms.size(); t++) {
            checkStop.run();
            transforms.get(t).endOfInput();
            drain(t);
            if (!transforms.get(t).isFinished()) {
                throw new DeviceException(stalledCode, counters.get(t + 1).stage()
                    + ": did not finish after its input ended");
            }
        }
    }

    /** Hands {@code chunk} (the caller's until now) to transform {@code t}, or the sink. */
    private void push(int t, Chunk chunk) {
        if (t == transforms.size()) {
            final int payloadLength = chunk.payloadLength();
            try {
                final long startNs = System.nanoTime();
                sink.write(chunk);
                counters.get(t + 1).addBusyNs(System.nanoTime() - startNs);
            } finally {
                chunk.release();
            }
            counters.get(t + 1).countIn(payloadLength);
            return;
        }
        final TransformDevice device = transforms.get(t);
        if (!device.needsInput()) {
            chunk.release();
            throw new DeviceException(stalledCode, counters.get(t + 1).stage()
                + ": takes no input with its output drained (" + poolName + " of " + pool.capacityChunks()
                + " chunks ran dry)");
        }
        counters.get(t + 1).countIn(chunk.payloadLength());
        final long startNs = System.nanoTime();
        device.accept(chunk);
        counters.get(t + 1).addBusyNs(System.nanoTime() - startNs);
        drain(t);
    }

    private void drain(int t) {
        for (Chunk out = poll(t); out != null; out = poll(t)) {
            counters.get(t + 1).countOut(out.payloadLength());
            push(t + 1, out);
        }
    }

    private Chunk poll(int t) {
        final long startNs = System.nanoTime();
        final Chunk out = transforms.get(t).poll(pool);
        counters.get(t + 1).addBusyNs(System.nanoTime() - startNs);
        return out;
    }
}
