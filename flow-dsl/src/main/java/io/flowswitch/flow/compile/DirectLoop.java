package io.flowswitch.flow.compile;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.stage.StageCounters;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A flow's devices, one instance per stage, driven in a plain loop on the calling thread: read a chunk, pass
 * it through each transform, write it. No actors, streams or ports. The small-request direct path and a
 * small flow (see {@link FlowCompiler#small}) both run this way; chunks are numbered as {@code SourceStage}
 * numbers them and counted as the stages count them, so results read the same as an island's.
 *
 * <p>Chunk ownership is as the device interfaces say. The caller finishes or aborts the sink: the loop
 * only moves chunks. Not thread-safe; run it once.
 */
public final class DirectLoop {
    private final long flowId;
    private final SourceDevice source;
    private final DeviceLine line;
    private final List<StageCounters> counters;
    private final ChunkPool pool;
    private final AtomicReference<Throwable> stop;

    /**
     * @param devices source, transforms, sink
     * @param counters one per device, in the same order
     * @param stop checked before each chunk is read: once it holds a cause, the loop throws; may be null
     */
    public DirectLoop(long flowId, List<? extends Device> devices, List<StageCounters> counters, ChunkPool pool,
        AtomicReference<Throwable> stop) {
        this.flowId = flowId;
        this.source = (SourceDevice) devices.get(0);
        this.line = new DeviceLine(devices, counters, pool, "DIRECT_PATH_STALLED", "the direct path's pool");
        this.counters = counters;
        this.pool = pool;
        this.stop = stop;
    }

    /** Moves every chunk from the source to the sink, then drains each transform after its input ended. */
    public void run() {
        final long sizeBytes = source.sizeBytes();
        long offset = 0;
        for (long sequence = 0; ; sequence++) {
            checkStop();
            final Chunk chunk = acquire();
            final long readNs = System.nanoTime();
            int length;
            try {
                length = source.read(chunk);
            } catch (RuntimeException e) {
                chunk.release();
                throw e;
            }
            counters.get(0).addBusyNs(System.nanoTime() - readNs);
            if (length < 0) {
                if (sequence != 0 || sizeBytes != 0) {
                    chunk.release();
                    break;
                }
                // An empty source of known size still says where the flow ends: one empty chunk.
                chunk.payload(Chunk.HEADROOM, 0);
                length = 0;
            }
            final boolean last = sizeBytes >= 0 && offset + length >= sizeBytes;
            chunk.header().flowId(flowId).sequence(sequence).byteOffset(offset)
                .flags((sequence == 0 ? ChunkFlags.FIRST : 0) | (last ? ChunkFlags.LAST : 0));
            offset += length;
            counters.get(0).countOut(length);
            line.push(chunk);
            if (last) {
                break;
            }
        }
        line.endOfInput(this::checkStop);
        checkStop();
    }

    private void checkStop() {
        if (stop != null && stop.get() != null) {
            throw new DeviceException("ABORTED", "flow " + flowId + " was stopped: " + stop.get().getMessage());
        }
    }

    private Chunk acquire() {
        final Chunk chunk = pool.acquire();
        if (chunk == null) {
            throw new DeviceException("DIRECT_PATH_STALLED", "the direct path's pool of " + pool.capacityChunks()
                + " chunks ran dry: a device kept chunks it does not hand out");
        }
        return chunk;
    }
}
