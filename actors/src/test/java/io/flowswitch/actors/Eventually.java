package io.flowswitch.actors;

import java.time.Duration;

/**
 * Waits for what a node settles asynchronously after a flow ends (leases given back, the last event heard, a
 * file renamed into place), so that the assertion after it reads the settled state. It does not assert: a
 * condition still false at the deadline is left for the caller's assertion to report.
 */
final class Eventually {
    private static final long POLL_INTERVAL_MS = 10;

    /** What to wait for; may throw as the node's queries do. */
    interface Condition {
        boolean holds() throws Exception;
    }

    private Eventually() {
    }

    /** Returns once {@code condition} holds, or after {@code timeout}, re-reading it every 10 ms. */
    static void waitUntil(Duration timeout, Condition condition) throws Exception {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.holds() && System.nanoTime() - deadlineNs < 0) {
            Thread.sleep(POLL_INTERVAL_MS);
        }
    }
}
