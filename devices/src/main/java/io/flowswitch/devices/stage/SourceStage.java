package io.flowswitch.devices.stage;

import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Emits the chunks a {@link SourceDevice} reads, numbering them: flow id, sequence from 0, byte offset,
 * FIRST on the first and, when the source knows its size, LAST on the last (an empty source of known
 * size gives one empty FIRST|LAST chunk).
 * One chunk per pull, taken from the flow's pool; an empty pool is back pressure (the stage waits for a
 * release, it never allocates). The device may block, so this stage runs on a blocking dispatcher.
 * Ownership of each emitted chunk passes downstream. The stage closes the device when it stops.
 */
public final class SourceStage extends GraphStage<SourceShape<Chunk>> {
    private final Outlet<Chunk> out;
    private final SourceShape<Chunk> shape;
    private final SourceDevice device;
    private final ChunkPool pool;
    private final long flowId;
    private final StageCounters counters;
    private final int lane;
    private final int lanes;
    private final int chunkBytes;

    public SourceStage(SourceDevice device, ChunkPool pool, long flowId, StageCounters counters) {
        this(device, pool, flowId, counters, 0, 1, 0);
    }

    /**
     * A source for lane {@code lane} of {@code lanes}: it reads chunks {@code lane}, {@code lane + lanes},
     * ... by position ({@link SourceDevice#readChunk}), numbered by their place in the whole source.
     */
    public SourceStage(SourceDevice device, ChunkPool pool, long flowId, StageCounters counters, int lane, int lanes,
        int chunkBytes) {
        if (lane < 0 || lanes < 1 || lane >= lanes) {
            throw new IllegalArgumentException("lane " + lane + " of " + lanes);
        }
        this.device = device;
        this.pool = pool;
        this.flowId = flowId;
        this.counters = counters;
        this.lane = lane;
        this.lanes = lanes;
        this.chunkBytes = chunkBytes;
        this.out = Outlet.create(counters.stage() + ".out");
        this.shape = SourceShape.of(out);
    }

    @Override
    public SourceShape<Chunk> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            /** Chunks this stage has pushed; in a lane, every {@code lanes}-th chunk of the source. */
            private long emitted;
            /** Where the next chunk starts, in a chain (a lane computes it from the chunk's index). */
            private long byteOffset;
            private Runnable poolWakeUp;

            {
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        emitNext();
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        completeStage();
                    }
                });
            }

            @Override
            public void preStart() {
                final AsyncCallback<Boolean> retry = createAsyncCallback(ignored -> {
                    if (isAvailable(out)) {
                        emitNext();
                    }
                });
                poolWakeUp = () -> retry.invoke(Boolean.TRUE);
            }

            /**
             * Reads and pushes the next chunk: in a chain the source's next one ({@link SourceDevice#read}),
             * in lane {@code lane} of {@code lanes} chunk {@code lane + n * lanes} by position
             * ({@link SourceDevice#readChunk}). Either way numbered by its place in the whole source.
             */
            private void emitNext() {
                Chunk chunk = pool.acquire();
                while (chunk == null) {
                    if (!pool.awaitRelease(poolWakeUp)) {
                        return;
                    }
                    chunk = pool.acquire();
                }
                final long index = lane + emitted * lanes;
                final long offset = lanes > 1 ? index * chunkBytes : byteOffset;
                final long startNs = System.nanoTime();
                int length;
                try {
                    length = lanes > 1 ? device.readChunk(chunk, index) : device.read(chunk);
                } catch (RuntimeException e) {
                    chunk.release();
                    // A device error is the flow's result, not a crash: fail quietly, the result says it.
                    failStage(e);
                    return;
                }
                counters.addBusyNs(System.nanoTime() - startNs);
                final Chunk lent = length >= 0 ? device.lentChunk() : null;
                if (lent != null) {
                    // Zero copy: the device's own chunk goes on; the pool chunk only paced the read.
                    chunk.release();
                    chunk = lent;
                }
                final long sizeBytes = device.sizeBytes();
                if (length < 0) {
                    if (index != 0 || sizeBytes != 0) {
                        chunk.release();
                        completeStage();
                        return;
                    }
                    // An empty source of known size still says where the flow ends: one empty chunk.
                    chunk.payload(Chunk.HEADROOM, 0);
                    length = 0;
                }
                final boolean last = sizeBytes >= 0 && offset + length >= sizeBytes;
                chunk.header()
                    .flowId(flowId)
                    .sequence(index)
                    .byteOffset(offset)
                    .flags((index == 0 ? ChunkFlags.FIRST : 0) | (last ? ChunkFlags.LAST : 0));
                emitted++;
                byteOffset += length;
                counters.countOut(length);
                push(out, chunk);
            }

            @Override
            public void postStop() {
                device.close();
            }
        };
    }

    @Override
    public String toString() {
        return "SourceStage(" + counters.stage() + ")";
    }
}
