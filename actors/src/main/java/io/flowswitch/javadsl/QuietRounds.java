package io.flowswitch.javadsl;

/**
 * Which timed rounds of a calibration sweep count: a disturbed round is timed again, up to {@code
 * maxTriesPerRound} tries a round on average. A round is disturbed when the JIT compiled through it, or when
 * requests came in while it ran: either takes a core, which a flow whose lanes run on every core loses and the
 * direct path on one thread does not, so the flow looks dearer than it is. Once the tries left are only enough
 * for the rounds still to come, every round counts: a node that is never quiet is still measured, in bounded
 * time. Not thread-safe: one sweep.
 */
final class QuietRounds {
    private final int rounds;
    private final int maxTries;
    private int kept;
    private int tries;

    QuietRounds(int rounds, int maxTriesPerRound) {
        if (rounds < 1 || maxTriesPerRound < 1) {
            throw new IllegalArgumentException("need rounds >= 1 and maxTriesPerRound >= 1; got " + rounds + ", "
                + maxTriesPerRound);
        }
        this.rounds = rounds;
        this.maxTries = rounds * maxTriesPerRound;
    }

    /** Whether another round is to be timed. */
    boolean more() {
        return kept < rounds;
    }

    /** The round just timed was {@code disturbed} or not: whether it counts. */
    boolean keep(boolean disturbed) {
        tries++;
        final boolean keep = !disturbed || maxTries - tries < rounds - kept;
        if (keep) {
            kept++;
        }
        return keep;
    }

    /** The index the next kept round goes at. */
    int next() {
        return kept;
    }

    /** Rounds timed so far, kept or not. */
    int tries() {
        return tries;
    }
}
