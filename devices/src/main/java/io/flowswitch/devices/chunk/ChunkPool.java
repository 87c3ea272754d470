package io.flowswitch.devices.chunk;

import java.util.concurrent.atomic.AtomicReferenceArray;
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
 * <p>Each chunk has a slot of its own, which holds it while it is free: a release puts the chunk in its
 * slot and an acquire takes one out, each with one compare-and-set, so a chunk is in the pool at most
 * once however releases race, and no release allocates. An acquire starts where the last release put a
 * chunk back (it is the one most likely still in cache) and goes round the slots from there.
 *
 * <p>A chunk released twice is an ownership bug, reported with {@link IllegalStateException}, even when
 * both releases come at the same instant from two threads (one wins, the other is told). With the
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
    /** Chunks allocated so far, in slots 0 to capacityChunks - 1; grows only by {@link #grow}. */
    private volatile int capacityChunks;
    private final int maxCapacityChunks;
    /** Slot i holds chunk i while it is in the pool, null while someone owns it. */
    private final AtomicReferenceArray<Chunk> free;
    /**
     * Where the last release put a chunk back: where the next acquire looks first. Read and written without
     * ordering; a stale value only makes an acquire look at more slots.
     */
    private int hint;
    /** Stages of the flow waiting for a release; several may wait at once (a source, a decompressor, a port). */
    private final ManyToManyConcurrentArrayQueue<Runnable> waiters = new ManyToManyConcurrentArrayQueue<>(MAX_WAITERS);

    public ChunkPool(int payloadCapacity, int capacityChunks) {
        this(payloadCapacity, capacityChunks, capacityChunks);
    }

    /**
     * A pool of {@code capacityChunks} chunks now that may {@link #grow} to {@code maxCapacityChunks}: only
     * the chunks allocated cost memory (the slots have room for the most).
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
        this.free = new AtomicReferenceArray<>(maxCapacityChunks);
        for (int i = 0; i < capacityChunks; i++) {
            free.set(i, new Chunk(this, i, payloadCapacity));
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
        final int before = capacityChunks;
        final int added = Math.max(0, Math.min(chunks, maxCapacityChunks - before));
        for (int i = before; i < before + added; i++) {
            free.set(i, new Chunk(this, i, payloadCapacity));
        }
        // Published after the slots are filled: an acquire that sees the new count finds the new chunks.
        capacityChunks = before + added;
        wakeWaiters();
        return added;
    }

    /** Chunks currently in the pool (not owned by anyone): a count over the slots, for checks and reports. */
    public int available() {
        final int capacity = capacityChunks;
        int count = 0;
        for (int i = 0; i < capacity; i++) {
            if (free.get(i) != null) {
                count++;
            }
        }
        return count;
    }

    /**
     * Takes a chunk out of the pool, reset to an empty payload and a zero header.
     *
     * @return a chunk now owned by the caller, or {@code null} when the pool is empty
     */
    public Chunk acquire() {
        final int capacity = capacityChunks;
        int slot = hint;
        for (int looked = 0; looked < capacity; looked++) {
            final Chunk chunk = free.get(slot);
            if (chunk != null && free.compareAndSet(slot, chunk, null)) {
                return chunk.reset();
            }
            if (++slot >= capacity) {
                slot = 0;
            }
        }
        return null;
    }

    private boolean anyFree() {
        final int capacity = capacityChunks;
        for (int i = 0; i < capacity; i++) {
            if (free.get(i) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Asks to be woken once after the next release, for a caller that found the pool empty. The wake-up
     * runs on the releasing thread, so it must only hand work over (e.g. invoke an async callback); it
     * may also run spuriously, so the caller re-checks.
     *
     * @return {@code true} if chunks are available now: try again at once
     */
    public boolean awaitRelease(Runnable wakeUp) {
        if (anyFree()) {
            return true;
        }
        if (!waiters.offer(wakeUp)) {
            return true; // more waiters than any flow has stages: retrying beats losing a wake-up
        }
        // A release between the first check and the offer did not see this waiter.
        return anyFree();
    }

    /**
     * Whether a stage asked to be woken ({@link #awaitRelease}) and no release has woken it yet. A pool kept for
     * a later flow must have none: the wake-up would run for a stage of the flow that is over.
     */
    public boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    void release(Chunk chunk) {
        if (chunk.pool() != this) {
            throw new IllegalArgumentException("chunk does not belong to this pool");
        }
        final int slot = chunk.slot();
        if (TRACK_RELEASES && free.get(slot) == null) {
            // Recorded before the chunk is back in its slot: from then on another thread may own it. A second
            // release finds the slot full and leaves the first one's site for its report.
            chunk.releasedAt(new ReleaseSite(Thread.currentThread()));
        }
        if (!free.compareAndSet(slot, null, chunk)) {
            throw releasedTwice(chunk);
        }
        hint = slot;
        wakeWaiters();
    }

    /** Runs every wake-up asked for since the last release; each re-checks the pool. */
    private void wakeWaiters() {
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
