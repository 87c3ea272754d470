package io.flowswitch.actors;

import java.util.ArrayList;
import java.util.List;

/**
 * When a node is warm: the JIT has compiled for at most {@code maxShare} of {@code windows} windows of {@code
 * windowNs} in a row ({@link JitActivity}). One quiet window alone is not enough: a long compilation is counted
 * when it ends, and a node measured after one quiet 4 s window was still getting faster (a small-request
 * threshold calibrated then came out 3.8 MiB, and 0.9 MiB a minute later). Thread-safe.
 */
public final class JitQuiet {
    private final JitActivity jit;
    private final long windowNs;
    private final double maxShare;
    private final int windows;
    private final List<Double> shares = new ArrayList<>();
    private int quietInARow;

    public JitQuiet(JitActivity jit, long windowNs, double maxShare, int windows) {
        if (windowNs <= 0 || maxShare < 0 || windows < 1) {
            throw new IllegalArgumentException("need windowNs > 0, maxShare >= 0, windows >= 1; got " + windowNs + ", "
                + maxShare + ", " + windows);
        }
        this.jit = jit;
        this.windowNs = windowNs;
        this.maxShare = maxShare;
        this.windows = windows;
        jit.mark();
    }

    /**
     * Closes the current window if it has lasted {@code windowNs} (a window lasts until the first call after
     * that, so callers that call rarely get long windows); true once enough windows in a row were quiet.
     */
    public synchronized boolean observe() {
        if (quietInARow < windows && jit.sinceMarkNs() >= windowNs) {
            final double share = jit.shareSinceMark();
            shares.add(share);
            quietInARow = share <= maxShare ? quietInARow + 1 : 0;
            jit.mark();
        }
        return quietInARow >= windows;
    }

    /** Each closed window's share so far, oldest first. */
    public synchronized List<Double> shares() {
        return List.copyOf(shares);
    }
}
