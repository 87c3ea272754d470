package io.flowswitch.javadsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Disturbed rounds are timed again, within a bounded number of tries. */
class QuietRoundsTest {
    @Test
    void aQuietRoundCountsAtOnce() {
        final QuietRounds quiet = new QuietRounds(3, 3);
        for (int round = 0; round < 3; round++) {
            assertTrue(quiet.more());
            assertEquals(round, quiet.next());
            assertTrue(quiet.keep(false));
        }
        assertFalse(quiet.more());
        assertEquals(3, quiet.tries());
    }

    @Test
    void aDisturbedRoundIsTimedAgainAtTheSameIndex() {
        final QuietRounds quiet = new QuietRounds(2, 3);
        assertFalse(quiet.keep(true), "the JIT compiled through it, or requests came in");
        assertEquals(0, quiet.next(), "the next try overwrites the round it replaces");
        assertTrue(quiet.keep(false));
        assertEquals(1, quiet.next());
        assertTrue(quiet.keep(false));
        assertFalse(quiet.more());
        assertEquals(3, quiet.tries());
    }

    @Test
    void aNodeThatIsNeverQuietStillEndsTheSweepAfterItsTries() {
        final QuietRounds quiet = new QuietRounds(4, 3);
        int tries = 0;
        while (quiet.more()) {
            quiet.keep(true);
            tries++;
        }
        assertEquals(12, tries, "4 rounds, 3 tries each at most");
        assertEquals(12, quiet.tries());
    }

    @Test
    void theLastTriesAreKeptWhateverTheJitDid() {
        final QuietRounds quiet = new QuietRounds(2, 2);
        assertFalse(quiet.keep(true));
        assertFalse(quiet.keep(true));
        assertTrue(quiet.keep(true), "two tries left for two rounds");
        assertTrue(quiet.keep(true));
        assertFalse(quiet.more());
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new QuietRounds(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new QuietRounds(3, 0));
    }
}
