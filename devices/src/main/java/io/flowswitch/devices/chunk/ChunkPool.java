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
    private static final int MAX_WAITERS = 256;

    private final int payloadCapacity;
    private final int capacityChunks;
    private final ManyToManyConcurrentArrayQueue<Chunk> free;
    /** Stages of the flow waiting for a release; several may wait at once (a source, a decompressor, a port). */
    private final ManyToManyConcurrentArrayQueue<Runnable> waiters = new ManyToManyConcurrentArrayQueue<>(MAX_WAITERS);

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
     * Asks to be woken once after the next release, for a caller that found the pool empty. The wake-up
     * runs on the releasing thread, so it must only hand work over (e.g. invoke an async callback); it
     * may also run spuriously, so the caller re-checks.
     *
     * @return {@code true} if chunks are available now: try again at once
     */
    public boolean awaitRelease(Runnable wakeUp) {
        if (!free.isEmpty()) {
            return true;
        }
        if (!waiters.offer(wakeUp)) {
            return true; // more waiters than any flow has stages: retrying beats losing a wake-up
        }
        // A release between the first check and the offer did not see this waiter.
        return !free.isEmpty();
    }

    void release(Chunk chunk) {
        if (chunk.pool() != this) {
            throw new IllegalArgumentException("chunk does not belong to this pool");
        }
        if (chunk.markPooled(true)) {
            throw new IllegalStateException("chunk released twice: " + chunk);
        }
        free.offer(chunk);
        Runnable waiter;
        while ((waiter = waiters.poll()) != null) {
            waiter.run();
        }
    }
}
