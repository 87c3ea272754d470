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
 * In a lane ({@link LaneCursor}) it reads whichever chunk it claims, by position, and only while the lane
 * is active. One chunk per pull, taken from the flow's pool; an empty pool is back pressure (the stage waits
 * for a release, it never allocates). The device may block, so this stage runs on a blocking dispatcher.
 * Ownership of each emitted chunk passes downstream. The stage closes the device when it stops.
 */
public final class SourceStage extends GraphStage<SourceShape<Chunk>> {
    private final Outlet<Chunk> out;
    private final SourceShape<Chunk> shape;
    private final SourceDevice device;
    private final ChunkPool pool;
    private final long flowId;
    private final StageCounters counters;
    /** The chunk positions this lane shares with the flow's other lanes; null in a chain. */
    private final LaneCursor cursor;
    private final int lane;
    private final int chunkBytes;

    public SourceStage(SourceDevice device, ChunkPool pool, long flowId, StageCounters counters) {
        this.device = device;
        this.pool = pool;
        this.flowId = flowId;
        this.counters = counters;
        this.cursor = null;
        this.lane = 0;
        this.chunkBytes = 0;
        this.out = Outlet.create(counters.stage() + ".out");
        this.shape = SourceShape.of(out);
    }

    /**
     * A source for lane {@code lane} of {@code cursor}'s lanes: while the lane is active it claims the next
     * chunk index from the cursor and reads that chunk by position ({@link SourceDevice#readChunk}), numbered
     * by its place in the whole source; while parked it waits, holding no thread, for the cursor to wake it.
     * It completes once a claim passes the end of the source, parked or not.
     */
    public SourceStage(SourceDevice device, ChunkPool pool, long flowId, StageCounters counters, LaneCursor cursor,
        int lane, int chunkBytes) {
        if (lane < 0 || lane >= cursor.lanes()) {
            throw new IllegalArgumentException("lane " + lane + " of " + cursor.lanes());
        }
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes must be positive: " + chunkBytes);
        }
        this.device = device;
        this.pool = pool;
        this.flowId = flowId;
        this.counters = counters;
        this.cursor = cursor;
        this.lane = lane;
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
            /** Where the next chunk starts, in a chain (a lane computes it from the chunk's index). */
            private long byteOffset;
            private long nextSequence;
            /** A lane that found itself parked with a pull pending: the cursor's wake-up resumes it. */
            private boolean parked;
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
                if (cursor != null) {
                    final AsyncCallback<Boolean> resume = createAsyncCallback(ignored -> {
                        // Only a lane that parked itself with a pull pending has anything to resume; an
                        // active one claims at its next pull, one waiting for the pool at the pool's wake-up.
                        if (parked) {
                            parked = false;
                            emitNext();
                        }
                    });
                    cursor.onWake(lane, () -> resume.invoke(Boolean.TRUE));
                }
            }

            /**
             * Reads and pushes the next chunk: in a chain the source's next one ({@link SourceDevice#read}), in
             * a lane the one it claims from the cursor, by position ({@link SourceDevice#readChunk}). Either
             * way numbered by its place in the whole source.
             */
            private void emitNext() {
                if (cursor != null) {
                    if (cursor.passedEnd()) {
                        completeStage();
                        return;
                    }
                    if (cursor.parked(lane)) {
                        parked = true;
                        return;
                    }
                }
                Chunk chunk = pool.acquire();
                while (chunk == null) {
                    if (!pool.awaitRelease(poolWakeUp)) {
                        return;
                    }
                    chunk = pool.acquire();
                }
                final long index = cursor != null ? cursor.claim() : nextSequence;
                final long offset = cursor != null ? index * chunkBytes : byteOffset;
                final long startNs = System.nanoTime();
                int length;
                try {
                    length = cursor != null ? device.readChunk(chunk, index) : device.read(chunk);
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
                        if (cursor != null) {
                            cursor.passEnd();
                        }
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
                nextSequence++;
                byteOffset += length;
                counters.countOut(length);
                push(out, chunk);
            }

            @Override
            public void postStop() {
                if (cursor != null) {
                    cursor.onWake(lane, null);
                }
                device.close();
            }
        };
    }

    @Override
    public String toString() {
        return "SourceStage(" + counters.stage() + ")";
    }
}
