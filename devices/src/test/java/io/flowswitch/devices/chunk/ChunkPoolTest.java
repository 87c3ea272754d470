package io.flowswitch.devices.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChunkPoolTest {
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
}
