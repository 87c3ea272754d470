package io.flowswitch.devices.chunk;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * A bounded pool of {@link Chunk}s of one payload capacity, allocated once up front.
 *
 * <p>Running out is back pressure, never an allocation: {@link #acquire()} returns {@code null} and the
 * caller waits (see {@link #awaitRelease(Runnable)}). Thread-safe: chunks are acquired and released by
 * the stages of one flow, which run on different threads.
 */
public final class ChunkPool {
    private final int payloadCapacity;
    private final int capacityChunks;
    private final ManyToManyConcurrentArrayQueue<Chunk> free;
    private final Doorbell releaseDoorbell = new Doorbell();
    private final java.util.function.BooleanSupplier hasFree = () -> !this.isEmpty();

    public ChunkPool(int payloadCapacity, int capacityChunks) {
        if (payloadCapacity <= 0) {
            throw new IllegalArgumentException("payloadCapacity must be positive: " + payloadCapacity);
        }
        if (capacityChunks <= 0) {
            throw new IllegalArgumentException("capacityChunks must be positive: " + capacityChunks);
        }
        this.payloadCapacity = payloadCapacity;
        this.capacityChunks = capacityChunks;
        this.free = new ManyToManyConcurrentArrayQueue<>(Math.max(2, capacityChunks));
        for (int i = 0; i < capacityChunks; i++) {
            final Chunk chunk = new Chunk(this, payloadCapacity);
            chunk.markPooled(true);
            free.offer(chunk);
        }
    }

    public int payloadCapacity() {
        return payloadCapacity;
    }

    public int capacityChunks() {
        return capacityChunks;
    }

    /** Chunks currently in the pool (not owned by anyone). */
    public int available() {
        return free.size();
    }

    /**
     * Takes a chunk out of the pool, reset to an empty payload and a zero header.
     *
     * @return a chunk now owned by the caller, or {@code null} when the pool is empty
     */
    public Chunk acquire() {
        final Chunk chunk = free.poll();
        if (chunk == null) {
            return null;
        }
        chunk.markPooled(false);
        return chunk.reset();
    }

    /**
     * Asks to be woken once after the next release, for a caller that found the pool empty.
     *
     * @return {@code true} if chunks are available now (the wake-up is then not armed)
     */
    public boolean awaitRelease(Runnable wakeUp) {
        return releaseDoorbell.arm(wakeUp, hasFree);
    }

    private boolean isEmpty() {
        return free.isEmpty();
    }

    void release(Chunk chunk) {
        if (chunk.pool() != this) {
            throw new IllegalArgumentException("chunk does not belong to this pool");
        }
        if (chunk.markPooled(true)) {
            throw new IllegalStateException("chunk released twice: " + chunk);
        }
        free.offer(chunk);
        releaseDoorbell.ring();
    }
}
