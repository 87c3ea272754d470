package io.flowswitch.flow.compile;

import io.flowswitch.devices.chunk.ChunkPool;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * Chunk pools of finished flows kept for the next flows of the same shape (payload capacity and chunk count):
 * the pool of a small flow that runs in a {@link DirectLoop}, and the pools of the lanes of a flow that runs as
 * lanes (the same shape: a chunk per stage and the spares). A small flow's whole work is a few chunks, and a
 * pool of its own (13 chunks of 64 KiB by default, allocated and zeroed per flow) cost more than moving them
 * and fed the young collector with every flow; a lane flow of a few MiB allocated one such pool per lane.
 *
 * <p>A pool is taken back only when every one of its chunks is in it (nothing still holds one, so nothing
 * can release into it later) and no stage waits on it ({@link ChunkPool#hasWaiters()}: a wake-up left
 * behind would run for a stage of a flow that is over); a lane flow's pools only when the flow succeeded
 * (every stage of every lane completed). Bounded: at most {@link #MAX_POOLS_PER_SHAPE} pools per shape and
 * {@code maxRetainedBytes} of chunk payload in all; beyond that a pool is left to the collector. A recycled
 * chunk holds the bytes of an earlier flow until it is written, as a chunk reused within one flow does: a
 * device reads only the payload it was handed. Thread-safe.
 */
final class SmallFlowPools {
    static final int MAX_POOLS_PER_SHAPE = 8;
    static final long DEFAULT_MAX_RETAINED_BYTES = 8L << 20;
    private static final int MAX_SHAPES = 16;

    private final ConcurrentHashMap<Long, ManyToManyConcurrentArrayQueue<ChunkPool>> shelves =
        new ConcurrentHashMap<>();
    private final AtomicLong retainedBytes = new AtomicLong();
    private final long maxRetainedBytes;

    SmallFlowPools(long maxRetainedBytes) {
        this.maxRetainedBytes = maxRetainedBytes;
    }

    /**
     * A pool of {@code capacityChunks} chunks of {@code payloadCapacity} bytes, every chunk in it: a kept one,
     * or a new one. The caller owns it until it hands it back with {@link #giveBack}.
     */
    ChunkPool take(int payloadCapacity, int capacityChunks) {
        final ManyToManyConcurrentArrayQueue<ChunkPool> shelf = shelves.get(shape(payloadCapacity, capacityChunks));
        final ChunkPool kept = shelf != null ? shelf.poll() : null;
        if (kept == null) {
            return new ChunkPool(payloadCapacity, capacityChunks);
        }
        retainedBytes.addAndGet(-bytes(kept));
        return kept;
    }

    /**
     * Keeps {@code pool} for a later flow if all its chunks are back, no stage waits on it, it cannot grow, and
     * there is room; the caller gives it up either way.
     *
     * @return whether it was kept
     */
    boolean giveBack(ChunkPool pool) {
        if (pool.available() != pool.capacityChunks() || pool.hasWaiters()
            || pool.capacityChunks() != pool.maxCapacityChunks()) {
            return false;
        }
        final long bytes = bytes(pool);
        if (retainedBytes.addAndGet(bytes) > maxRetainedBytes) {
            retainedBytes.addAndGet(-bytes);
            return false;
        }
        final long shape = shape(pool.payloadCapacity(), pool.capacityChunks());
        ManyToManyConcurrentArrayQueue<ChunkPool> shelf = shelves.get(shape);
        if (shelf == null && shelves.size() < MAX_SHAPES) {
            shelf = shelves.computeIfAbsent(shape, key -> new ManyToManyConcurrentArrayQueue<>(MAX_POOLS_PER_SHAPE));
        }
        if (shelf == null || !shelf.offer(pool)) {
            retainedBytes.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** Payload bytes held by kept pools. */
    long retainedBytes() {
        return retainedBytes.get();
    }

    private static long shape(int payloadCapacity, int capacityChunks) {
        return ((long) payloadCapacity << 32) | capacityChunks;
    }

    private static long bytes(ChunkPool pool) {
        return (long) pool.payloadCapacity() * pool.capacityChunks();
    }
}
