package io.flowswitch.devices.testkit;

import java.time.Duration;

/**
 * The one bounded wait of the tests, for a state that settles asynchronously and gives no signal of its own
 * to wait on (leases given back, a thread parked, a file renamed into place, a peer that starts listening).
 * Where the system does give one (a future, a latch, an observer), tests wait on that instead. Re-reads the
 * condition every {@link #POLL_INTERVAL_MS} ms until it holds or the timeout passes.
 */
public final class Eventually {
    public static final long POLL_INTERVAL_MS = 10;

    /** What to wait for; may throw as the queries it makes do. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Eventually() {
    }

    /**
     * Returns once {@code condition} holds, or after {@code timeout}; it does not assert, so that the caller's
     * own assertion after it reports the state it found.
     *
     * @return whether the condition held
     */
    public static boolean waitUntil(Duration timeout, Condition condition) throws Exception {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadlineNs > 0) {
                return false;
            }
            Thread.sleep(POLL_INTERVAL_MS);
        }
        return true;
    }

    /**
     * As {@link #waitUntil}, failing with {@code not within N s: what} when the condition still does not
     * hold at the deadline.
     */
    public static void assertWithin(Duration timeout, String what, Condition condition) throws Exception {
        if (!waitUntil(timeout, condition)) {
            throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
        }
    }
}
