package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Timed requests start on a settled node: the wait returns only once no flow is open and no lease held, and
 * fails with a sentence saying what is held when that never happens (or answers false, for a caller that
 * measures anyway).
 */
class SettledNodeTest {
    /** {@code open} flows not stopped yet, of which {@code leased} still hold a rate-limit lease. */
    private static FlowManager.Usage usage(int open, int leased) {
        return new FlowManager.Usage(Map.of("rate-limit", new FlowManager.KindUsage("rate-limit", 16, 64L << 20, 4,
            leased * (64L << 20), leased, 64L << 20, Math.min(leased, 1), 0)), leased, open);
    }

    @Test
    void returnsOnlyOnceNoFlowIsOpenAndNoLeaseHeld() throws Exception {
        final AtomicInteger polls = new AtomicInteger();
        // Two flows finishing: both open, one holding its lease; then one open, its lease back; then none.
        final SettledNode settled = new SettledNode(() -> {
            final int poll = polls.getAndIncrement();
            return CompletableFuture.completedFuture(poll == 0 ? usage(2, 1) : poll == 1 ? usage(1, 0) : usage(0, 0));
        }, TimeUnit.SECONDS.toNanos(10));
        final long waitedNs = settled.await("a request");
        assertEquals(3, polls.get());
        assertEquals(1, settled.waits());
        assertEquals(1, settled.waitsFindingFlows());
        assertTrue(waitedNs > 0 && settled.maxWaitNs() == waitedNs, () -> waitedNs + " vs " + settled.maxWaitNs());
        settled.await("another request");
        assertEquals(4, polls.get(), "a settled node is read once");
        assertEquals(2, settled.waits());
        assertEquals(1, settled.waitsFindingFlows());
    }

    @Test
    void aNodeThatNeverSettlesFailsSayingWhatIsHeldAndBeforeWhat() {
        final AtomicInteger polls = new AtomicInteger();
        final SettledNode settled = new SettledNode(() -> {
            polls.incrementAndGet();
            return CompletableFuture.completedFuture(usage(1, 1));
        }, TimeUnit.MILLISECONDS.toNanos(200));
        final long startNs = System.nanoTime();
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> settled.await("a file-to-file flow request at 1KiB"));
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertEquals("the node did not settle within 200 ms before a file-to-file flow request at 1KiB: 1 flow(s)"
            + " not stopped yet, 1 holding a lease (rate-limit: 1), so the request cannot be timed on a quiet node",
            e.getMessage());
        assertTrue(elapsedMs >= 200 && elapsedMs < 5_000, () -> "gave up after " + elapsedMs + " ms");
        // Paused between polls (50 us doubling to 1 ms), not spinning: at most a few hundred in 200 ms.
        assertTrue(polls.get() > 2 && polls.get() < 1_000, () -> polls.get() + " polls");
        assertEquals(0, settled.waits());
        assertEquals(1, settled.waitsFindingFlows());
    }

    @Test
    void aNodeThatDoesNotAnswerFailsWithinTheTimeout() {
        final SettledNode settled = new SettledNode(CompletableFuture::new, TimeUnit.MILLISECONDS.toNanos(100));
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> settled.await("a request"));
        assertEquals("the node did not settle within 100 ms before a request: it did not report its usage",
            e.getMessage());
    }

    @Test
    void tryAwaitAnswersInsteadOfFailing() throws Exception {
        final AtomicInteger polls = new AtomicInteger();
        final SettledNode busy = new SettledNode(() -> {
            polls.incrementAndGet();
            return CompletableFuture.completedFuture(usage(1, 1));
        }, TimeUnit.MILLISECONDS.toNanos(20));
        assertFalse(busy.tryAwait(), "a node serving another flow does not settle");
        assertEquals(0, busy.waits());
        assertFalse(new SettledNode(CompletableFuture::new, TimeUnit.MILLISECONDS.toNanos(20)).tryAwait(),
            "a node that does not answer");
        final SettledNode quiet = new SettledNode(() -> CompletableFuture.completedFuture(usage(0, 0)),
            TimeUnit.MILLISECONDS.toNanos(20));
        assertTrue(quiet.tryAwait());
        assertEquals(1, quiet.waits());
    }
}
