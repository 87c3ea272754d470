package io.flowswitch.devices.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.testkit.TestThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ChunkPoolTest {
    private static final int RACE_ROUNDS = 20_000;
    private static final long RACE_NS = TimeUnit.SECONDS.toNanos(2);

    @RegisterExtension
    final TestThreads threads = new TestThreads("second-releaser");

    @Test
    void aPoolGrowsOnlyWhenToldAndNeverPastItsBoundAndWakesWhoWaits() {
        final ChunkPool pool = new ChunkPool(64, 1, 4);
        assertEquals(1, pool.capacityChunks());
        final Chunk only = pool.acquire();
        assertEquals(null, pool.acquire(), "running out is back pressure, not an allocation");
        final boolean[] woken = new boolean[1];
        assertEquals(false, pool.awaitRelease(() -> woken[0] = true));
        assertEquals(2, pool.grow(2));
        assertTrue(woken[0], "a stage waiting for a chunk hears of the new ones");
        assertEquals(3, pool.capacityChunks());
        assertEquals(1, pool.grow(5), "up to its bound only");
        assertEquals(4, pool.capacityChunks());
        assertEquals(0, pool.grow(1));
        only.release();
        assertEquals(pool.capacityChunks(), pool.available(), "every chunk, old and new, is the pool's");
        assertThrows(IllegalArgumentException.class, () -> new ChunkPool(64, 4, 3));
    }

    @Test
    void aPoolSaysWhetherAStageWaitsOnItUntilARelease() {
        final ChunkPool pool = new ChunkPool(64, 1);
        assertFalse(pool.hasWaiters());
        final Chunk only = pool.acquire();
        final boolean[] woken = new boolean[1];
        assertFalse(pool.awaitRelease(() -> woken[0] = true));
        assertTrue(pool.hasWaiters(), "the stage waits for the release");
        only.release();
        assertTrue(woken[0]);
        assertFalse(pool.hasWaiters(), "the release woke it");
    }

    @Test
    void aSecondReleaseNamesTheChunkAndHowToFindTheFirstReleaser() {
        final ChunkPool pool = new ChunkPool(64, 2);
        final Chunk chunk = pool.acquire();
        chunk.header().sequence(4);
        chunk.release();
        final IllegalStateException error = assertThrows(IllegalStateException.class, chunk::release);
        assertTrue(error.getMessage().startsWith("chunk released twice: Chunk{"), error.getMessage());
        assertTrue(error.getMessage().contains("sequence=4"), error.getMessage());
        if (ChunkPool.TRACK_RELEASES) {
            assertTrue(error.getCause().getMessage().startsWith("first released on thread "), error::toString);
            assertTrue(java.util.Arrays.stream(error.getCause().getStackTrace())
                .anyMatch(frame -> frame.getMethodName().equals("aSecondReleaseNamesTheChunkAndHowToFindTheFirstReleaser")),
                "the cause's stack is the first releaser's");
        } else {
            assertTrue(error.getMessage().contains("-D" + ChunkPool.TRACK_RELEASES_PROPERTY + "=true"),
                error.getMessage());
        }
        assertEquals(2, pool.available(), "the second release did not put the chunk in the pool twice");
    }

    @Test
    void ofTwoReleasesAtTheSameInstantExactlyOneGoesThroughAndTheChunkIsPooledOnce() throws Exception {
        final ChunkPool pool = new ChunkPool(64, 2);
        final AtomicReference<Chunk> shared = new AtomicReference<>();
        final AtomicLong round = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong otherDone = new AtomicLong();
        final AtomicInteger otherRefused = new AtomicInteger();
        // The other releaser: each round it releases the chunk the test thread releases too, at the same moment.
        final CompletableFuture<Void> other = threads.run(() -> {
            for (long seen = 1; ; seen++) {
                while (round.get() < seen) {
                    if (stop.get()) {
                        return;
                    }
                    Thread.onSpinWait();
                }
                try {
                    shared.get().release();
                } catch (IllegalStateException refused) {
                    otherRefused.incrementAndGet();
                }
                otherDone.set(seen);
            }
        });
        final long deadlineNs = System.nanoTime() + RACE_NS;
        int rounds = 0;
        int bothWent = 0;
        int pooledTwice = 0;
        try {
            while (rounds < RACE_ROUNDS && System.nanoTime() - deadlineNs < 0 && !other.isDone()) {
                final Chunk chunk = pool.acquire();
                if (chunk == null) {
                    break;
                }
                shared.set(chunk);
                final int refusedBefore = otherRefused.get();
                round.set(++rounds);
                boolean refusedHere = false;
                try {
                    chunk.release();
                } catch (IllegalStateException refused) {
                    refusedHere = true;
                }
                while (otherDone.get() < rounds && !other.isDone()) {
                    Thread.onSpinWait();
                }
                bothWent += refusedHere || otherRefused.get() > refusedBefore ? 0 : 1;
                pooledTwice += pool.available() > 2 ? 1 : 0;
            }
        } finally {
            stop.set(true);
        }
        other.get(10, TimeUnit.SECONDS);
        assertEquals(0, bothWent, "rounds of " + rounds + " in which both releases went through");
        assertEquals(0, pooledTwice, "rounds of " + rounds + " after which the pool held the chunk twice");
        assertTrue(rounds > 100, "the race ran " + rounds + " rounds");
        final Chunk first = pool.acquire();
        final Chunk second = pool.acquire();
        assertTrue(first != null && second != null && first != second, "two distinct chunks in the pool");
        assertEquals(null, pool.acquire(), "and nothing more");
    }
}
