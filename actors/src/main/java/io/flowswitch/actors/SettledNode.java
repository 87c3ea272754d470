package io.flowswitch.actors;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Waits, before a request is timed, until the node has settled from the requests before it: no flow open (the
 * manager has no flow supervisor that has not stopped, with every actor under it) and no lease held. A flow's
 * result completes, and its lease goes back, before its supervisor has stopped, so without the wait the next
 * request, on either path, could be timed while the last flow is still being taken down on the other core.
 * Whatever times requests to compare them (the small-request calibration, the experiments) waits alike.
 *
 * <p>Polls the node's usage (the manager's {@code GetUsage}), pausing between polls (50 us, doubling up to
 * 1 ms: no spinning on a shared core). Once {@code timeoutNs} has passed, {@link #await} fails with a sentence
 * saying what is still held, {@link #tryAwait} returns false (a node that serves other flows may never be
 * quiet). Keeps the waits it measured, for summaries. Not thread-safe: one caller.
 */
public final class SettledNode {
    /** Where the node's usage is read: {@code FlowSwitch::usage}, or a stand-in in tests. */
    @FunctionalInterface
    public interface UsageSource {
        CompletionStage<FlowManager.Usage> usage();
    }

    private static final long FIRST_PAUSE_NS = 50_000;
    private static final long MAX_PAUSE_NS = 1_000_000;

    private final UsageSource source;
    private final long timeoutNs;
    private long[] waitsNs = new long[256];
    private int waits;
    private int waitsFindingFlows;

    public SettledNode(UsageSource source, long timeoutNs) {
        if (timeoutNs <= 0) {
            throw new IllegalArgumentException("timeoutNs must be positive, got " + timeoutNs);
        }
        this.source = source;
        this.timeoutNs = timeoutNs;
    }

    /**
     * Returns once no flow is open and no lease held; {@code before} names what is about to be timed, for the
     * error.
     *
     * @return how long it waited, in nanoseconds
     * @throws IllegalStateException when the node has not settled within the timeout
     */
    public long await(String before) throws InterruptedException {
        final long startNs = System.nanoTime();
        final FlowManager.Usage unsettled = awaitUntil(before, startNs + timeoutNs);
        if (unsettled != null) {
            throw new IllegalStateException("the node did not settle within " + millis(timeoutNs) + " before "
                + before + ": " + unsettled.openFlows() + " flow(s) not stopped yet, " + unsettled.liveLeases()
                + " holding a lease (" + held(unsettled) + "), so the request cannot be timed on a quiet node");
        }
        return waitsNs[waits - 1];
    }

    /**
     * As {@link #await}, but a node still busy (or silent) when the timeout has passed is an answer, not an
     * error.
     *
     * @return whether the node settled
     */
    public boolean tryAwait() throws InterruptedException {
        try {
            return awaitUntil("a timed request", System.nanoTime() + timeoutNs) == null;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Null once settled (the wait recorded); the last usage read when the deadline passed first. */
    private FlowManager.Usage awaitUntil(String before, long deadlineNs) throws InterruptedException {
        final long startNs = System.nanoTime();
        long pauseNs = FIRST_PAUSE_NS;
        boolean firstRead = true;
        while (true) {
            final FlowManager.Usage usage = read(before, deadlineNs);
            if (usage.openFlows() == 0 && usage.liveLeases() == 0) {
                record(System.nanoTime() - startNs);
                return null;
            }
            if (firstRead) {
                waitsFindingFlows++;
                firstRead = false;
            }
            final long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0) {
                return usage;
            }
            LockSupport.parkNanos(Math.min(pauseNs, leftNs));
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted waiting for the node to settle before " + before);
            }
            pauseNs = Math.min(MAX_PAUSE_NS, pauseNs * 2);
        }
    }

    /** Waits measured so far. */
    public int waits() {
        return waits;
    }

    /** Waits whose first read found a flow not stopped yet: the node had not settled when asked. */
    public int waitsFindingFlows() {
        return waitsFindingFlows;
    }

    /** The median wait so far, in nanoseconds; 0 before any. */
    public double medianWaitNs() {
        if (waits == 0) {
            return 0;
        }
        final long[] sorted = Arrays.copyOf(waitsNs, waits);
        Arrays.sort(sorted);
        return waits % 2 == 1 ? sorted[waits / 2] : (sorted[waits / 2 - 1] + sorted[waits / 2]) / 2.0;
    }

    /** The longest wait so far, in nanoseconds. */
    public long maxWaitNs() {
        long max = 0;
        for (int i = 0; i < waits; i++) {
            max = Math.max(max, waitsNs[i]);
        }
        return max;
    }

    private FlowManager.Usage read(String before, long deadlineNs) throws InterruptedException {
        try {
            return source.usage().toCompletableFuture()
                .get(Math.max(1, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the node did not settle within " + millis(timeoutNs) + " before "
                + before + ": it did not report its usage", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the node's usage could not be read before " + before + ": "
                + e.getCause(), e.getCause());
        }
    }

    private void record(long waitedNs) {
        if (waits == waitsNs.length) {
            waitsNs = Arrays.copyOf(waitsNs, waits * 2);
        }
        waitsNs[waits++] = waitedNs;
    }

    private static String held(FlowManager.Usage usage) {
        final String kinds = usage.kinds().values().stream().filter(kind -> kind.leases() > 0)
            .map(kind -> kind.kind() + ": " + kind.leases()).sorted().collect(Collectors.joining(", "));
        return kinds.isEmpty() ? "no device instance" : kinds;
    }

    private static String millis(long ns) {
        return String.format(Locale.ROOT, "%d ms", TimeUnit.NANOSECONDS.toMillis(ns));
    }
}
