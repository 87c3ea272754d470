package io.flowswitch.flow.compile;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.stage.LaneCursor;
import io.flowswitch.devices.stage.StageCounters;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One lane of a flow that runs as lanes, its devices driven in a plain loop on a task of an executor: claim
 * the next chunk index from the {@link LaneCursor} the lanes share, read that chunk by position, pass it through
 * each transform, write it at its offset. No actor, no stream graph: materialising a Pekko graph per lane (an
 * actor spawned per lane, its interpreter started on it) cost a lane flow of a few MiB more than its devices'
 * set-up, and it is what the lane's first chunk waited for. Chunks are numbered, counted and handed over as in
 * a lane of stream stages ({@code SourceStage} with a cursor, {@code TransformStage}, {@code SinkStage}), so
 * results, receipts and the output read the same.
 *
 * <p>A parked lane ({@link LaneCursor#parked}) returns its thread and is submitted again when the cursor wakes
 * it; so is a lane that moved {@link #YIELD_CHUNKS} chunks, so that a long flow's lanes share the executor's
 * threads with other flows' tasks as stream actors do. The lane never waits on its pool: a lane holds at most a
 * chunk per stage and a device's trailer, which its pool always has (as a {@link DirectLoop}'s). A stop cause
 * ({@code stop}) ends the lane before its next chunk; closing the ends (as {@link CompiledFlow#abort} does)
 * fails a call blocked in them. On any failure the lane aborts its sink (the flow's {@link LaneFailureSink}
 * records the failure first) and its future fails; at the end it finishes its sink, closes its devices and its
 * future completes. Thread-safe: the loop runs on one thread at a time, {@link #wake} from any.
 */
final class LaneLoop implements Runnable {
    /** Chunks a lane moves before it lets the executor run other tasks (4 MiB at the default chunk size). */
    static final int YIELD_CHUNKS = 64;

    private final long flowId;
    private final int lane;
    private final LaneCursor cursor;
    private final int chunkBytes;
    private final SourceDevice source;
    private final DeviceLine line;
    private final List<StageCounters> counters;
    private final ChunkPool pool;
    private final AtomicReference<Throwable> stop;
    private final Executor executor;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Whether a task of this lane is submitted or running: a wake-up submits one only when none is. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Guarded by the loop's one running task. */
    private boolean sourceEnded;

    /**
     * @param devices this lane's source, transforms and sink (the sink a lane's share of the flow's one sink)
     * @param counters one per device, in the same order
     * @param stop checked before each chunk: once it holds a cause, the lane fails with it
     */
    LaneLoop(long flowId, int lane, LaneCursor cursor, int chunkBytes, List<? extends Device> devices,
        List<StageCounters> counters, ChunkPool pool, AtomicReference<Throwable> stop, Executor executor) {
        this.flowId = flowId;
        this.lane = lane;
        this.cursor = cursor;
        this.chunkBytes = chunkBytes;
        this.source = (SourceDevice) devices.get(0);
        this.line = new DeviceLine(devices, counters, pool, "LANE_STALLED", "lane " + lane + "'s pool");
        this.counters = counters;
        this.pool = pool;
        this.stop = stop;
        this.executor = executor;
    }

    /** Completes when the lane has finished its sink and closed its devices; fails with what stopped it. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** Submits the lane's first task and has the cursor wake it when it parks. */
    void start() {
        cursor.onWake(lane, this::wake);
        wake();
    }

    /**
     * Submits the lane again unless a task of it is already submitted or running, or it ended: for a change of
     * the active lanes, the end of the source, or a stop. Only hands work over; any thread.
     */
    void wake() {
        if (!done.isDone() && scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this);
            } catch (RuntimeException e) {
                scheduled.set(false);
                fail(e);
            }
        }
    }

    @Override
    public void run() {
        try {
            for (int moved = 0; ; moved++) {
                checkStop();
                if (sourceEnded || cursor.passedEnd()) {
                    end();
                    return;
                }
                if (cursor.parked(lane)) {
                    scheduled.set(false);
                    // A wake-up between the check and the flag found a task running and submitted none: look again,
                    // and carry on only if no wake-up has submitted a task since.
                    if (stillParked() || !scheduled.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                if (moved == YIELD_CHUNKS) {
                    executor.execute(this);
                    return;
                }
                step();
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private boolean stillParked() {
        return cursor.parked(lane) && !cursor.passedEnd() && stop.get() == null;
    }

    /** Claims, reads and passes on one chunk, or finds the source's end and says so to the cursor. */
    private void step() {
        Chunk chunk = pool.acquire();
        if (chunk == null) {
            throw new DeviceException("LANE_STALLED", "lane " + lane + " of flow " + flowId + ": its pool of "
                + pool.capacityChunks() + " chunks ran dry: a device kept chunks it does not hand out");
        }
        final long index = cursor.claim();
        final long offset = index * chunkBytes;
        final long readNs = System.nanoTime();
        int length;
        try {
            length = source.readChunk(chunk, index);
        } catch (RuntimeException e) {
            chunk.release();
            throw e;
        }
        counters.get(0).addBusyNs(System.nanoTime() - readNs);
        final Chunk lent = length >= 0 ? source.lentChunk() : null;
        if (lent != null) {
            chunk.release();
            chunk = lent;
        }
        final long sizeBytes = source.sizeBytes();
        if (length < 0) {
            if (index != 0 || sizeBytes != 0) {
                chunk.release();
                cursor.passEnd();
                sourceEnded = true;
                return;
            }
            // An empty source of known size still says where the flow ends: one empty chunk.
            chunk.payload(Chunk.HEADROOM, 0);
            length = 0;
        }
        final boolean last = sizeBytes >= 0 && offset + length >= sizeBytes;
        chunk.header().flowId(flowId).sequence(index).byteOffset(offset)
            .flags((index == 0 ? ChunkFlags.FIRST : 0) | (last ? ChunkFlags.LAST : 0));
        counters.get(0).countOut(length);
        line.push(chunk);
    }

    /** The source is passed: drains each transform after its input ended, finishes the sink, closes the lane. */
    private void end() {
        line.endOfInput(this::checkStop);
        checkStop();
        line.sink().finish();
        cursor.onWake(lane, null);
        close();
        done.complete(null);
    }

    private void fail(Throwable cause) {
        if (done.isDone()) {
            return;
        }
        cursor.onWake(lane, null);
        try {
            line.sink().abort(cause);
        } catch (RuntimeException suppressed) {
            cause.addSuppressed(suppressed);
        }
        close();
        done.completeExceptionally(cause);
    }

    private void close() {
        source.close();
        line.transforms().forEach(Device::close);
        line.sink().close();
    }

    private void checkStop() {
        final Throwable cause = stop.get();
        if (cause != null) {
            throw cause instanceof RuntimeException runtime ? runtime
                : new DeviceException("ABORTED", "flow " + flowId + " was stopped: " + cause.getMessage(), cause);
        }
    }
}
