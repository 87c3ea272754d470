package io.flowswitch.devices.fault;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * What one injected fault has done so far, shared by every instance of its stage in one flow: an instance
 * that replaces a failed one must not fire a transient fault again, and one that restarts a crashed
 * instance must find it still crashed. Thread-safe.
 */
public final class FaultState {
    private final Fault fault;
    private final AtomicInteger fired = new AtomicInteger();
    private final AtomicBoolean crashed = new AtomicBoolean();
    /**
     * In lanes or a balanced stage: the lane or replica the fault struck, the first to meet a chunk at or past
     * the fault's; -1 before.
     */
    private final AtomicInteger struckInstance = new AtomicInteger(-1);
    /** Who crashes the device actor of a replica (by its index); null when no node runs the flow. */
    private volatile IntConsumer actorCrasher;
    /** Who decides about an {@code mtu-change}; null: the flow has no rules for it and ends. */
    private volatile io.flowswitch.devices.frame.MtuChangeHandler mtuChangeHandler;
    /** The MTU the rules chose when the path MTU changed; -1 until they did. Every instance frames at it. */
    private volatile int decidedMtuBytes = -1;

    public FaultState(Fault fault) {
        this.fault = fault;
    }

    public Fault fault() {
        return fault;
    }

    /** Claims one firing of a fault that clears; false once it fired {@link Fault#times()} times. */
    boolean fire() {
        while (true) {
            final int now = fired.get();
            if (now >= fault.times()) {
                return false;
            }
            if (fired.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void crash() {
        crashed.set(true);
        fired.incrementAndGet();
    }

    /**
     * Sets who crashes the device actor of the instance an {@code actor-crash} fault struck (the flow's
     * supervisor, which leased it): {@code crasher} is told the replica whose first instance it is (0 for a
     * single instance and for lanes, see {@link FaultyTransform}). Called before the flow runs.
     */
    public void onActorCrash(IntConsumer crasher) {
        this.actorCrasher = crasher;
    }

    /**
     * Fires an {@code actor-crash}, once: crashes the device actor of replica {@code replica}'s first instance
     * if someone can.
     *
     * @return whether a device actor was told to crash (false: no node, or it fired before)
     */
    boolean crashActor(int replica) {
        if (!crashed.compareAndSet(false, true)) {
            return false;
        }
        fired.incrementAndGet();
        final IntConsumer crasher = actorCrasher;
        if (crasher == null) {
            return false;
        }
        crasher.accept(replica);
        return true;
    }

    /**
     * Sets who decides what the framer does when an {@code mtu-change} fault fires (the flow's rules for
     * {@code mtu-change}). Called before the flow runs; without one the event ends the flow.
     */
    public void onMtuChange(io.flowswitch.devices.frame.MtuChangeHandler handler) {
        this.mtuChangeHandler = handler;
    }

    /**
     * The MTU to frame at from the fault's chunk on: the handler's decision, asked once per flow; an instance
     * that frames the stream again (after a restart) gets the same answer without asking again.
     *
     * @throws io.flowswitch.devices.DeviceException when there is no handler or it ends the flow
     */
    int mtuAfterChange(io.flowswitch.devices.frame.MtuChange change) {
        synchronized (this) {
            if (decidedMtuBytes < 0) {
                final io.flowswitch.devices.frame.MtuChangeHandler handler = mtuChangeHandler;
                if (handler == null) {
                    throw change.event();
                }
                decidedMtuBytes = handler.decide(change);
                fired.incrementAndGet();
            }
            return decidedMtuBytes;
        }
    }

    /**
     * In a flow that runs as lanes no lane is first in the stream (they claim chunks from a shared cursor), and
     * in a balanced stage no replica is (the balance hands each chunk to whichever replica asks first), so a
     * fault that strikes the first instance strikes the lane or replica that first meets a chunk at or past
     * the fault's chunk, and stays on it: whether instance {@code instance} (a lane or a replica), meeting
     * chunk {@code sequence}, is it. So the fault fires however the chunks were spread; a chain's single
     * instance meets it where it would anyway.
     */
    boolean strikesInstance(int instance, long sequence) {
        final int struck = struckInstance.get();
        if (struck >= 0) {
            return struck == instance;
        }
        return sequence >= fault.atChunk()
            && (struckInstance.compareAndSet(-1, instance) || struckInstance.get() == instance);
    }

    /**
     * As {@link #strikesInstance}, for a source read as lanes: the lanes claim every chunk exactly once, so the
     * fault strikes the lane that reads the fault's own chunk, whatever order the lanes read in, and stays on
     * it, as a chain's source meets it at that chunk: whether lane {@code lane}, reading chunk {@code
     * sequence}, is it.
     */
    boolean strikesSourceLane(int lane, long sequence) {
        final int struck = struckInstance.get();
        if (struck >= 0) {
            return struck == lane;
        }
        return sequence == fault.atChunk() && (struckInstance.compareAndSet(-1, lane) || struckInstance.get() == lane);
    }

    /** Whether the fault struck lane or replica {@code instance} (see {@link #strikesInstance}). */
    boolean struckInstance(int instance) {
        return struckInstance.get() == instance;
    }

    boolean crashed() {
        return crashed.get();
    }

    /** Counts a firing of a fault that does not clear. */
    void count() {
        fired.incrementAndGet();
    }

    /** How often the fault fired: for tests and receipts. */
    public int fired() {
        return fired.get();
    }
}
