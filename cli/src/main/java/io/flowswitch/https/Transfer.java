package io.flowswitch.https;

import java.util.function.LongSupplier;

/**
 * One response body in progress, as the server's watchdog sees it: a byte count that should keep moving,
 * and what to do when it stops for too long (cancel the flow, or reset the connection). Thread-safe: the
 * connection's thread creates it, the watchdog checks it.
 */
final class Transfer {
    private final LongSupplier progressBytes;
    private final Runnable cancel;
    private long lastBytes = -1;
    private long lastMoveNs;
    private volatile boolean stalled;

    Transfer(LongSupplier progressBytes, Runnable cancel) {
        this.progressBytes = progressBytes;
        this.cancel = cancel;
        this.lastMoveNs = System.nanoTime();
    }

    /** Called by the watchdog only. */
    void checkProgress(long nowNs, long stallNs) {
        final long bytes = progressBytes.getAsLong();
        if (bytes != lastBytes) {
            lastBytes = bytes;
            lastMoveNs = nowNs;
        } else if (nowNs - lastMoveNs > stallNs && !stalled) {
            stalled = true;
            cancel.run();
        }
    }

    /** Whether the watchdog cancelled it for want of progress. */
    boolean stalled() {
        return stalled;
    }

    void cancel() {
        cancel.run();
    }
}
