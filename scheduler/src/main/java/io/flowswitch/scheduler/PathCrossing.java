package io.flowswitch.scheduler;

import java.util.Arrays;

/**
 * Where the flow path starts to pay for itself, from measurements: at sizes {@code bytes[i]} (ascending) the
 * flow's extra cost over the direct path, {@code gapNs[i] = flow − direct} (best the median of paired
 * differences, each flow timed beside a direct run of the same request, so that drift hits both alike).
 *
 * <p>The gap is the flow's set-up cost less what the flow saves per byte times the size: a line in the size
 * that falls through zero at the threshold ({@link SmallRequestThreshold}). When the two paths cost nearly
 * the same per byte the line is shallow, and the medians beside the zero wander far along it from run to run;
 * a line through several sizes inside the bracket places the zero better than the two sizes beside it.
 * Stateless.
 */
public final class PathCrossing {
    private PathCrossing() {
    }

    /** The index {@code i} of the first size where the flow costs more and the next where it costs no more; -1 if none. */
    public static int bracket(long[] bytes, long[] gapNs) {
        check(bytes, gapNs);
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (gapNs[i] > 0 && gapNs[i + 1] <= 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where the gap falls to zero, linear between the two sizes of the {@link #bracket}; the first size when
     * the flow cost no more even there; -1 when the flow cost more at every size.
     */
    public static double interpolated(long[] bytes, long[] gapNs) {
        final int i = bracket(bytes, gapNs);
        if (i < 0) {
            return bytes.length > 0 && gapNs[0] <= 0 ? bytes[0] : -1;
        }
        final double t = gapNs[i] / (double) (gapNs[i] - gapNs[i + 1]);
        return bytes[i] + t * (bytes[i + 1] - bytes[i]);
    }

    /**
     * Where the least-squares line through every size's gap falls to zero, when it falls and does so within the
     * sizes measured; else {@link #interpolated}.
     */
    public static double zeroOfLine(long[] bytes, long[] gapNs) {
        check(bytes, gapNs);
        if (bytes.length >= 2) {
            final double[] line = line(bytes, gapNs);
            if (line[1] < 0) {
                final double at = -line[0] / line[1];
                if (at >= bytes[0] && at <= bytes[bytes.length - 1]) {
                    return at;
                }
            }
        }
        return interpolated(bytes, gapNs);
    }

    /**
     * Whether the gap still falls at the largest size (the flow's saving per byte shows) while it is still
     * positive there: the paths would cross beyond the sizes measured.
     */
    public static boolean crossesBeyond(long[] bytes, long[] gapNs) {
        check(bytes, gapNs);
        final int last = bytes.length - 1;
        return last >= 1 && gapNs[last] > 0 && gapNs[last] < gapNs[last - 1];
    }

    /**
     * The fixed thresholds that cost least over the sizes measured, each size's request taking the path the
     * threshold gives it: a threshold {@code T} costs the bypass of every size below it plus the flow of every
     * size from it on, so it costs the sum of the gaps from {@code T} on more than bypassing everything. A sweep
     * cannot tell thresholds between two neighbouring sizes apart (they send every size measured the same way),
     * so the best is a range, {@code (lowBytes, highBytes]}: {@code lowBytes} 0 when even the smallest size is
     * best as a flow, {@code highBytes} {@link Long#MAX_VALUE} when every size is best bypassed. Ties go to
     * the smaller threshold.
     */
    public record BestRange(long lowBytes, long highBytes) {
        /** How far {@code thresholdBytes} lies from the range, relative to its nearer end; 0 inside it. */
        public double offBy(long thresholdBytes) {
            if (thresholdBytes > highBytes) {
                return (double) thresholdBytes / highBytes - 1;
            }
            if (thresholdBytes <= lowBytes) {
                // Threshold 0 (no bypass) sends every size as a flow, as any threshold up to the smallest does.
                return lowBytes == 0 ? 0 : (double) thresholdBytes / lowBytes - 1;
            }
            return 0;
        }
    }

    /** See {@link BestRange}. */
    public static BestRange bestRange(long[] bytes, long[] gapNs) {
        check(bytes, gapNs);
        // cut k: sizes from index k on run as flows; its extra cost over bypassing all is the suffix sum.
        int best = bytes.length;
        long bestCostNs = 0;
        long suffixNs = 0;
        for (int k = bytes.length - 1; k >= 0; k--) {
            suffixNs += gapNs[k];
            if (suffixNs <= bestCostNs) {
                bestCostNs = suffixNs;
                best = k;
            }
        }
        return new BestRange(best == 0 ? 0 : bytes[best - 1], best == bytes.length ? Long.MAX_VALUE : bytes[best]);
    }

    /** Measures the median paired gap ({@code flow − direct}, ns) at each size, in rounds that visit every size. */
    @FunctionalInterface
    public interface GapMeter<E extends Exception> {
        long[] medianGapsNs(long[] sizesBytes) throws E;
    }

    /**
     * A finer sweep's sizes (ascending) and median gaps, and where the gap's line crosses zero among them; -1
     * when the gap did not change sign there ({@code flowCheaperThroughout} then says on which side it lies).
     */
    public record Refined(long[] bytes, long[] gapNs, double zeroBytes) {
        public boolean bracketed() {
            return zeroBytes >= 0;
        }

        public boolean flowCheaperThroughout() {
            return gapNs[0] <= 0;
        }
    }

    /**
     * Places the crossing of a coarse sweep's bracket {@code [lowBytes, highBytes]}: measures {@code steps + 1}
     * sizes across it and takes the zero of the least-squares line ({@link #zeroOfLine}) through the gaps of the
     * two sizes where the sign changes and one size either side.
     * When they show no sign change the crossing lies beyond them (a bracket from two noisy medians may be
     * wrong): it measures one doubling further that way, two sizes, up to {@code maxExtensions} times and
     * never past {@code [minBytes, maxBytes]}, rather than answer with the end of its range.
     */
    public static <E extends Exception> Refined refine(long lowBytes, long highBytes, long minBytes, long maxBytes,
        int steps, int maxExtensions, GapMeter<E> meter) throws E {
        if (minBytes > lowBytes || maxBytes < highBytes) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "the bracket " + lowBytes + ".."
                + highBytes + " must lie within " + minBytes + ".." + maxBytes);
        }
        long[] bytes = steps(lowBytes, highBytes, steps);
        long[] gaps = checked(bytes, meter.medianGapsNs(bytes));
        for (int i = 0; i < maxExtensions && bracket(bytes, gaps) < 0; i++) {
            final boolean below = gaps[0] <= 0;
            final long from = bytes[0];
            final long to = bytes[bytes.length - 1];
            if (below ? from <= minBytes : to >= maxBytes) {
                break;
            }
            final long[] more = below ? Arrays.copyOf(steps(Math.max(minBytes, from / 2), from, 2), 2)
                : Arrays.copyOfRange(steps(to, Math.min(maxBytes, to * 2), 2), 1, 3);
            final long[] moreGaps = checked(more, meter.medianGapsNs(more));
            bytes = below ? concat(more, bytes) : concat(bytes, more);
            gaps = below ? concat(moreGaps, gaps) : concat(gaps, moreGaps);
        }
        final int at = bracket(bytes, gaps);
        if (at < 0) {
            return new Refined(bytes, gaps, -1);
        }
        // The line through the bracket and one size either side: the gap is a line only locally (the flow's
        // regime changes with size: lanes, yields, caches), and sizes far from the zero would tilt it.
        final int from = Math.max(0, at - 1);
        final int to = Math.min(bytes.length, at + 3);
        return new Refined(bytes, gaps, zeroOfLine(Arrays.copyOfRange(bytes, from, to),
            Arrays.copyOfRange(gaps, from, to)));
    }

    private static long[] checked(long[] bytes, long[] gapNs) {
        check(bytes, gapNs);
        return gapNs;
    }

    private static long[] concat(long[] first, long[] second) {
        final long[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** {@code steps + 1} sizes from {@code lowBytes} to {@code highBytes}, evenly on a log axis. */
    public static long[] steps(long lowBytes, long highBytes, int steps) {
        if (lowBytes < 1 || highBytes <= lowBytes || steps < 1) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "need 1 <= low < high and steps >= 1,"
                + " got " + lowBytes + ".." + highBytes + " in " + steps);
        }
        final long[] sizes = new long[steps + 1];
        for (int i = 0; i <= steps; i++) {
            sizes[i] = Math.round(lowBytes * Math.pow((double) highBytes / lowBytes, (double) i / steps));
        }
        sizes[steps] = highBytes;
        return sizes;
    }

    /** Least squares {@code y = a + b x}: {@code {a, b}}. */
    public static double[] line(long[] x, long[] y) {
        check(x, y);
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= x.length;
        my /= x.length;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        final double b = sxx == 0 ? 0 : sxy / sxx;
        return new double[] {my - b * mx, b};
    }

    private static void check(long[] bytes, long[] gapNs) {
        if (bytes.length != gapNs.length || bytes.length == 0) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "need as many gaps as sizes, at least"
                + " one, got " + bytes.length + " sizes and " + gapNs.length + " gaps");
        }
    }
}
