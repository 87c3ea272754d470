package io.flowswitch.devices.chunk;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * A bounded pool of {@link Chunk}s of one payload capacity, allocated up front. A pool made with room to
 * grow ({@link #ChunkPool(int, int, int)}) allocates more only when told to ({@link #grow}), off the data
 * path: e.g. when a running flow unparks replicas it was compiled with but never ran.
 *
 * <p>Running out is back pressure, never an allocation: {@link #acquire()} returns {@code null} and the
 * caller waits (see {@link #awaitRelease(Runnable)}). Thread-safe: chunks are acquired and released by
 * the stages of one flow, which run on different threads.
 *
 * <p>A chunk released twice is an ownership bug, reported with {@link IllegalStateException}. With the
 * system property {@value #TRACK_RELEASES_PROPERTY} set to {@code true} the pool also records the stack
 * of every release, so the report names the first releaser as well as the second. Off by default: the
 * check is a constant the JIT folds away, and nothing is recorded or allocated.
 */
public final class ChunkPool {
    /** System property that turns on recording where each chunk was released (a debugging aid; it allocates). */
    public static final String TRACK_RELEASES_PROPERTY = "flowswitch.chunk.trackReleases";
    static final boolean TRACK_RELEASES = Boolean.getBoolean(TRACK_RELEASES_PROPERTY);
    private static final int MAX_WAITERS = 256;

    private final int payloadCapacity;
    /** Chunks allocated so far; grows only by {@link #grow}, up to {@link #maxCapacityChunks}. */
    private volatile int capacityChunks;
    private final int maxCapacityChunks;
    private final ManyToManyConcurrentArrayQueue<Chunk> free;
    /** Stages of the flow waiting for a release; several may wait at once (a source, a decompressor, a port). */
    private final ManyToManyConcurrentArrayQueue<Runnable> waiters = new ManyToManyConcurrentArrayQueue<>(MAX_WAITERS);

    public ChunkPool(int payloadCapacity, int capacityChunks) {
        this(payloadCapacity, capacityChunks, capacityChunks);
    }

    /**
     * A pool of {@code capacityChunks} chunks now that may {@link #grow} to {@code maxCapacityChunks}: only
     * the chunks allocated cost memory (the free list has room for the most).
     */
    public ChunkPool(int payloadCapacity, int capacityChunks, int maxCapacityChunks) {
        if (payloadCapacity <= 0) {
            throw new IllegalArgumentException("payloadCapacity must be positive: " + payloadCapacity);
        }
        if (capacityChunks <= 0) {
            throw new IllegalArgumentException("capacityChunks must be positive: " + capacityChunks);
        }
        if (maxCapacityChunks < capacityChunks) {
            throw new IllegalArgumentException("maxCapacityChunks must be >= capacityChunks: " + maxCapacityChunks
                + " < " + capacityChunks);
        }
        this.payloadCapacity = payloadCapacity;
        this.capacityChunks = capacityChunks;
        this.maxCapacityChunks = maxCapacityChunks;
        this.free = new ManyToManyConcurrentArrayQueue<>(Math.max(2, maxCapacityChunks));
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

    /** The most chunks {@link #grow} may bring the pool to. */
    public int maxCapacityChunks() {
        return maxCapacityChunks;
    }

    /**
     * Allocates {@code chunks} more chunks (at most up to {@link #maxCapacityChunks}) and wakes whoever waits
     * for one. Allocates: call it off the data path. Safe from any thread, but one caller at a time.
     *
     * @return the chunks added
     */
    public int grow(int chunks) {
        final int added = Math.max(0, Math.min(chunks, maxCapacityChunks - capacityChunks));
        for (int i = 0; i < added; i++) {
            final Chunk chunk = new Chunk(this, payloadCapacity);
            chunk.markPooled(true);
            free.offer(chunk);
        }
        capacityChunks += added;
        Runnable waiter;
        while ((waiter = waiters.poll()) != null) {
            waiter.run();
        }
        return added;
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
        if (TRACK_RELEASES) {
            chunk.releasedAt(null);
        }
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
            throw releasedTwice(chunk);
        }
        if (TRACK_RELEASES) {
            chunk.releasedAt(new ReleaseSite(Thread.currentThread()));
        }
        free.offer(chunk);
        Runnable waiter;
        while ((waiter = waiters.poll()) != null) {
            waiter.run();
        }
    }

    private static IllegalStateException releasedTwice(Chunk chunk) {
        final Throwable first = chunk.releasedAt();
        if (first == null) {
            return new IllegalStateException("chunk released twice: " + chunk + " (run with -D"
                + TRACK_RELEASES_PROPERTY + "=true to see where it was released first)");
        }
        final IllegalStateException second = new IllegalStateException("chunk released twice: " + chunk
            + "; this stack is the second release, the cause the first");
        second.initCause(first);
        return second;
    }

    /** The stack of a chunk's first release, kept to explain a second one. */
    private static final class ReleaseSite extends Throwable {
        private static final long serialVersionUID = 1L;

        ReleaseSite(Thread thread) {
            super("first released on thread " + thread.getName());
        }
    }
}
