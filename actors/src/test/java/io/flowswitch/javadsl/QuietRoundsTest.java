package io.flowswitch.javadsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Rounds the JIT compiled through are timed again, within a bounded number of tries. */
class QuietRoundsTest {
    @Test
    void aQuietRoundCountsAtOnce() {
        final QuietRounds quiet = new QuietRounds(3, 3, 0.02);
        for (int round = 0; round < 3; round++) {
            assertTrue(quiet.more());
            assertEquals(round, quiet.next());
            assertTrue(quiet.keep(0.01));
        }
        assertFalse(quiet.more());
        assertEquals(3, quiet.tries());
    }

    @Test
    void aRoundTheJitCompiledThroughIsTimedAgainAtTheSameIndex() {
        final QuietRounds quiet = new QuietRounds(2, 3, 0.02);
        assertFalse(quiet.keep(0.30), "30% of the round compiling");
        assertEquals(0, quiet.next(), "the next try overwrites the round it replaces");
        assertTrue(quiet.keep(0.0));
        assertEquals(1, quiet.next());
        assertTrue(quiet.keep(0.02), "at the limit counts");
        assertFalse(quiet.more());
        assertEquals(3, quiet.tries());
    }

    @Test
    void aJitThatNeverGoesQuietStillEndsTheSweepAfterItsTries() {
        final QuietRounds quiet = new QuietRounds(4, 3, 0.02);
        int tries = 0;
        while (quiet.more()) {
            quiet.keep(1.0);
            tries++;
        }
        assertEquals(12, tries, "4 rounds, 3 tries each at most");
        assertEquals(12, quiet.tries());
    }

    @Test
    void theLastTriesAreKeptWhateverTheJitDid() {
        final QuietRounds quiet = new QuietRounds(2, 2, 0.02);
        assertFalse(quiet.keep(0.5));
        assertFalse(quiet.keep(0.5));
        assertTrue(quiet.keep(0.5), "two tries left for two rounds");
        assertTrue(quiet.keep(0.5));
        assertFalse(quiet.more());
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new QuietRounds(0, 3, 0.02));
        assertThrows(IllegalArgumentException.class, () -> new QuietRounds(3, 0, 0.02));
        assertThrows(IllegalArgumentException.class, () -> new QuietRounds(3, 3, -1));
    }
}
