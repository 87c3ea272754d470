package io.flowswitch.devices.stage;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The chunk positions the lanes of one flow share: each lane that reads claims the next chunk index, so any
 * number of reading lanes covers the source exactly once, whatever the order in which they come. Of the
 * {@link #lanes()} compiled, only the first {@link #activeLanes()} claim; the others are parked. The count
 * may change from any thread at any time ({@link #activate}); a lane reads it before each claim, so it takes
 * effect between two chunks. A parked lane does nothing and holds no thread: it registers a wake-up
 * ({@link #onWake}), which the cursor runs when the count changes and when the source is passed its end;
 * once past the end, every lane, parked or not, completes ({@link #passedEnd()}).
 *
 * <p>Thread-safe. Nothing here allocates per chunk: a claim is one atomic increment.
 */
public final class LaneCursor {
    private final int lanes;
    private final AtomicLong nextChunk = new AtomicLong();
    private final AtomicInteger active;
    private final AtomicReferenceArray<Runnable> wakeUps;
    private volatile boolean passedEnd;

    /** A cursor for {@code lanes} lanes, all of them active. */
    public LaneCursor(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be >= 1: " + lanes);
        }
        this.lanes = lanes;
        this.active = new AtomicInteger(lanes);
        this.wakeUps = new AtomicReferenceArray<>(lanes);
    }

    /** The lanes compiled: at most this many can ever claim. */
    public int lanes() {
        return lanes;
    }

    /** How many lanes claim chunks now: the first ones, {@code 0} to {@code activeLanes() - 1}. */
    public int activeLanes() {
        return active.get();
    }

    /**
     * Lets the first {@code count} lanes claim chunks, parking the others after the chunk they hold, and
     * wakes every parked lane so those now active resume. Any thread.
     *
     * @throws IllegalArgumentException unless {@code 1 <= count <= lanes()}
     */
    public void activate(int count) {
        if (count < 1 || count > lanes) {
            throw new IllegalArgumentException("active lanes must be between 1 and " + lanes + ", got " + count);
        }
        if (active.getAndSet(count) != count) {
            wakeAll();
        }
    }

    /** Whether lane {@code lane} must not claim now. */
    public boolean parked(int lane) {
        return lane >= active.get();
    }

    /**
     * The next chunk index, now the caller's to read; never handed out twice. A claim past the end of the
     * source is the caller's to report ({@link #passEnd}).
     */
    public long claim() {
        return nextChunk.getAndIncrement();
    }

    /** Chunk indexes handed out so far, those past the end included. */
    public long claimed() {
        return nextChunk.get();
    }

    /**
     * Says that a claimed index lay past the end of the source: every later claim would too, so every lane
     * completes, and the parked ones are woken to do so.
     */
    public void passEnd() {
        if (!passedEnd) {
            passedEnd = true;
            wakeAll();
        }
    }

    /** Whether a claim has passed the end of the source: nothing is left to claim. */
    public boolean passedEnd() {
        return passedEnd;
    }

    /**
     * Has {@code wakeUp} run, on the thread that changes the count or passes the end, whenever lane {@code
     * lane} may have to resume or complete. It must only hand work over to the lane (invoke an async
     * callback), and may run when the lane is not parked. {@code null} removes it (a lane that stopped).
     */
    public void onWake(int lane, Runnable wakeUp) {
        wakeUps.set(lane, wakeUp);
    }

    private void wakeAll() {
        for (int i = 0; i < lanes; i++) {
            final Runnable wakeUp = wakeUps.get(i);
            if (wakeUp != null) {
                wakeUp.run();
            }
        }
    }

    @Override
    public String toString() {
        return "LaneCursor{" + active.get() + " of " + lanes + " lanes active, next chunk " + nextChunk.get()
            + (passedEnd ? ", passed the end" : "") + "}";
    }
}
