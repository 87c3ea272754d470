package io.flowswitch.javadsl;

/**
 * Which timed rounds of a calibration sweep count: a round through which the JIT compiled for more than {@code
 * maxJitShare} of its time is timed again, up to {@code maxTriesPerRound} tries a round on average. The compiler
 * thread takes a core; a flow whose lanes run on every core loses it, the direct path on one thread does not,
 * so such a round makes the flow look dearer than it is. Once the tries left are only enough for the rounds
 * still to come, every round counts: a node whose JIT never goes quiet is still measured, in bounded time.
 * Not thread-safe: one sweep.
 */
final class QuietRounds {
    private final int rounds;
    private final int maxTries;
    private final double maxJitShare;
    private int kept;
    private int tries;

    QuietRounds(int rounds, int maxTriesPerRound, double maxJitShare) {
        if (rounds < 1 || maxTriesPerRound < 1 || maxJitShare < 0) {
            throw new IllegalArgumentException("need rounds >= 1, maxTriesPerRound >= 1, maxJitShare >= 0; got "
                + rounds + ", " + maxTriesPerRound + ", " + maxJitShare);
        }
        this.rounds = rounds;
        this.maxTries = rounds * maxTriesPerRound;
        this.maxJitShare = maxJitShare;
    }

    /** Whether another round is to be timed. */
    boolean more() {
        return kept < rounds;
    }

    /** The round just timed saw the JIT compile for {@code jitShare} of it: whether it counts. */
    boolean keep(double jitShare) {
        tries++;
        final boolean keep = jitShare <= maxJitShare || maxTries - tries < rounds - kept;
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
