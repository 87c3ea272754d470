package io.flowswitch.bench;

import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.stage.StageCounters;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * The baseline of {@link LaneCursorBench}: a lane's source as it was before lanes shared a cursor, lane
 * {@code r} of {@code k} reading chunks {@code r, r + k, r + 2k, ...} by position, a split fixed when the
 * flow starts. Otherwise what {@code SourceStage} does for a lane (pool back pressure, header, counters).
 * Ownership of each emitted chunk passes downstream.
 */
final class StrideLaneSource extends GraphStage<SourceShape<Chunk>> {
    private final Outlet<Chunk> out;
    private final SourceShape<Chunk> shape;
    private final SourceDevice device;
    private final ChunkPool pool;
    private final long flowId;
    private final StageCounters counters;
    private final int lane;
    private final int lanes;
    private final int chunkBytes;

    StrideLaneSource(SourceDevice device, ChunkPool pool, long flowId, StageCounters counters, int lane, int lanes,
        int chunkBytes) {
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
            private long emitted;
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

            private void emitNext() {
                Chunk chunk = pool.acquire();
                while (chunk == null) {
                    if (!pool.awaitRelease(poolWakeUp)) {
                        return;
                    }
                    chunk = pool.acquire();
                }
                final long index = lane + emitted * lanes;
                final long offset = index * chunkBytes;
                final long startNs = System.nanoTime();
                int length;
                try {
                    length = device.readChunk(chunk, index);
                } catch (RuntimeException e) {
                    chunk.release();
                    failStage(e);
                    return;
                }
                counters.addBusyNs(System.nanoTime() - startNs);
                final long sizeBytes = device.sizeBytes();
                if (length < 0) {
                    chunk.release();
                    completeStage();
                    return;
                }
                final boolean last = sizeBytes >= 0 && offset + length >= sizeBytes;
                chunk.header()
                    .flowId(flowId)
                    .sequence(index)
                    .byteOffset(offset)
                    .flags((index == 0 ? ChunkFlags.FIRST : 0) | (last ? ChunkFlags.LAST : 0));
                emitted++;
                counters.countOut(length);
                push(out, chunk);
            }

            @Override
            public void postStop() {
                device.close();
            }
        };
    }
}
