package io.flowswitch.devices.accel;

/**
 * One device's hold on its flow's part of a shared accelerator: the part of the instance its replica is
 * placed on now. The scheduler re-points it when a running flow's replicas move between instances (a
 * re-plan grows or shrinks the flow), so a replica unparked onto a newly leased instance paces at that
 * instance's part, and one parked loses its part (the instance is re-split among the flows left). A seat
 * without a part paces the few chunks its replica may still finish at the rate it last had.
 *
 * <p>Thread-safe: the scheduler binds, the device's stage reads once per chunk (two volatile reads, no
 * allocation).
 */
final class ShareSeat {
    private volatile SharedAccelerator.Share share;
    /** The rate of the part it last held, or the instance's whole rate if it never held one. */
    private volatile long lastBytesPerSecond;
    private boolean closed;
    /** The instance a ladder's redirect moved the seat's replica to, or -1: it then follows its placement. */
    private int redirectedTo = -1;

    ShareSeat(long unplacedBytesPerSecond) {
        this.lastBytesPerSecond = unplacedBytesPerSecond;
    }

    /** The rate to pace the next chunk at. */
    long pacingBytesPerSecond() {
        final SharedAccelerator.Share current = share;
        return current != null ? current.pacingBytesPerSecond() : lastBytesPerSecond;
    }

    /** Whether the seat holds a part now. */
    boolean placed() {
        return share != null;
    }

    /** Whether its device closed. */
    boolean closed() {
        return closed;
    }

    /** The instance a redirect leased for the seat's replica, or -1 when the replica is where it was placed. */
    int redirectedTo() {
        return redirectedTo;
    }

    /** The seat's device runs on instance {@code index}, which a ladder's redirect leased, whatever the placement says. */
    void redirectTo(int index) {
        redirectedTo = index;
    }

    /** Its device closed: it holds no part from now on, whatever the scheduler binds. */
    void close() {
        bind(null);
        closed = true;
    }

    /**
     * Holds {@code next} from now on, or no part when null (or once closed). Called by one thread at a time
     * (under the kind's lock for its flow).
     */
    void bind(SharedAccelerator.Share next) {
        final SharedAccelerator.Share before = share;
        if (before == next || closed && next != null) {
            return;
        }
        if (before != null) {
            lastBytesPerSecond = before.pacingBytesPerSecond();
            before.devices.decrementAndGet();
        }
        if (next != null) {
            next.devices.incrementAndGet();
        }
        share = next;
    }
}
