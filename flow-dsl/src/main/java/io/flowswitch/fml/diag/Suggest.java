package io.flowswitch.fml.diag;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" for misspelt names: the closest candidate by edit distance, if close enough. Stateless. */
public final class Suggest {
    private Suggest() {
    }

    /** The candidate nearest to {@code word}, when at most a third of its letters (at least 1, at most 3) differ. */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        if (word.length() > 64) {
            return Optional.empty();
        }
        final int limit = Math.max(1, Math.min(3, word.length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (candidate.equals(word) || candidate.length() > 64) {
                continue;
            }
            final int d = distance(word, candidate);
            if (d <= limit && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best == null && word.length() >= 3) {
            // An abbreviation: "prio" for "priority".
            for (String candidate : candidates) {
                if (candidate.startsWith(word)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code "did you mean 'x'?"}, or {@code fallback} when nothing is close. */
    public static String didYouMean(String word, Collection<String> candidates, String fallback) {
        return closest(word, candidates).map(s -> "did you mean '" + s + "'?").orElse(fallback);
    }

    /** Levenshtein distance, with a swap of neighbours counting as one edit. */
    static int distance(String a, String b) {
        final int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
