package io.flowswitch.devices.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChunkPoolTest {
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
