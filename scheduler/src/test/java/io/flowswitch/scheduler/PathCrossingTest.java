package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PathCrossingTest {
    @Test
    void theBracketIsWhereTheGapFirstStopsBeingPositive() {
        final long[] bytes = {1, 2, 4, 8};
        assertEquals(1, PathCrossing.bracket(bytes, new long[] {9, 5, -1, -3}));
        assertEquals(-1, PathCrossing.bracket(bytes, new long[] {9, 5, 3, 1}), "never crosses");
        assertEquals(-1, PathCrossing.bracket(bytes, new long[] {-1, -2, -3, -4}), "the flow is cheaper throughout");
    }

    @Test
    void interpolatesLinearlyInsideTheBracket() {
        // gap = 3000 - size: zero at 3000.
        assertEquals(3000, PathCrossing.interpolated(new long[] {1000, 2000, 4000}, new long[] {2000, 1000, -1000}),
            1e-9);
        assertEquals(1000, PathCrossing.interpolated(new long[] {1000, 2000}, new long[] {-5, -9}), 1e-9);
        assertEquals(-1, PathCrossing.interpolated(new long[] {1000, 2000}, new long[] {5, 1}), 1e-9);
    }

    @Test
    void theLineThroughEverySizeOutvotesOneNoisyNeighbourOfTheZero() {
        // gap = 1000 - size/10 crosses at 10 000; the size just below the zero read 300 too low (it says -200, so
        // the two sizes beside the first sign change alone would put the zero at about 7 300).
        final long[] bytes = {6000, 8000, 9000, 11000, 14000};
        final long[] gaps = {400, -200, 100, -100, -400};
        assertEquals(6000 + 2000 * 400 / 600.0, PathCrossing.interpolated(bytes, gaps), 1e-9);
        final double zero = PathCrossing.zeroOfLine(bytes, gaps);
        assertTrue(Math.abs(zero - 10_000) < 1000, () -> "the line's zero is near 10 000, got " + zero);
    }

    @Test
    void aLineThatDoesNotFallWithinTheSizesFallsBackToInterpolation() {
        // Rising gaps: no zero on the line; the bracket still has one.
        final long[] bytes = {1000, 2000, 3000};
        assertEquals(1500, PathCrossing.zeroOfLine(bytes, new long[] {100, -100, 900}), 1e-9);
        // Falling, but the line's zero lies past the sizes: no bracket, no crossing.
        assertEquals(-1, PathCrossing.zeroOfLine(bytes, new long[] {300, 200, 100}), 1e-9);
    }

    @Test
    void crossesBeyondWhenStillPositiveButFalling() {
        assertTrue(PathCrossing.crossesBeyond(new long[] {1, 2, 4}, new long[] {900, 500, 200}));
        assertFalse(PathCrossing.crossesBeyond(new long[] {1, 2, 4}, new long[] {900, 500, 600}), "rising again");
        assertFalse(PathCrossing.crossesBeyond(new long[] {1, 2, 4}, new long[] {900, 500, -1}), "crossed already");
        assertFalse(PathCrossing.crossesBeyond(new long[] {1}, new long[] {900}), "one size tells no slope");
    }

    @Test
    void stepsAreEvenOnALogAxisAndEndExactlyAtTheBracket() {
        assertArrayEquals(new long[] {1024, 2048, 4096, 8192, 16384}, PathCrossing.steps(1024, 16384, 4));
        final long[] odd = PathCrossing.steps(1000, 3333, 3);
        assertEquals(1000, odd[0]);
        assertEquals(3333, odd[3]);
    }

    @Test
    void badArgumentsSayWhat() {
        final SchedulerException mismatch = assertThrows(SchedulerException.class,
            () -> PathCrossing.bracket(new long[] {1, 2}, new long[] {1}));
        assertEquals("need as many gaps as sizes, at least one, got 2 sizes and 1 gaps", mismatch.getMessage());
        final SchedulerException steps = assertThrows(SchedulerException.class, () -> PathCrossing.steps(10, 5, 4));
        assertEquals("need 1 <= low < high and steps >= 1, got 10..5 in 4", steps.getMessage());
    }

    /** A gap that falls linearly: {@code setupNs - savingNsPerByte * size}, zero at {@code setupNs / savingNsPerByte}. */
    private static PathCrossing.GapMeter<RuntimeException> line(long setupNs, double savingNsPerByte,
        java.util.List<long[]> asked) {
        return sizes -> {
            asked.add(sizes.clone());
            return java.util.Arrays.stream(sizes).map(size -> Math.round(setupNs - savingNsPerByte * size)).toArray();
        };
    }

    @Test
    void refinePlacesTheZeroInsideTheBracket() {
        final java.util.List<long[]> asked = new java.util.ArrayList<>();
        final PathCrossing.Refined refined = PathCrossing.refine(1 << 20, 4 << 20, 1024, 32 << 20, 4, 2,
            line(300_000, 0.1, asked));
        assertTrue(refined.bracketed());
        assertEquals(3_000_000, refined.zeroBytes(), 100);
        assertEquals(1, asked.size(), "no sizes beyond the bracket were needed");
        assertEquals(5, asked.get(0).length);
    }

    @Test
    void refineGoesOnTowardTheCrossingWhenTheBracketWasWrong() {
        // Zero at 6 MB, but the bracket says 1-4 MiB: the flow costs more throughout it, so it looks above.
        final java.util.List<long[]> asked = new java.util.ArrayList<>();
        final PathCrossing.Refined above = PathCrossing.refine(1 << 20, 4 << 20, 1024, 32 << 20, 4, 2,
            line(600_000, 0.1, asked));
        assertTrue(above.bracketed());
        assertEquals(6_000_000, above.zeroBytes(), 200);
        assertArrayEquals(new long[] {5931642, 8 << 20}, asked.get(1), "two sizes one doubling above");
        // Zero at 0.5 MB with the same bracket: the flow is cheaper throughout, so it looks below.
        asked.clear();
        final PathCrossing.Refined below = PathCrossing.refine(1 << 20, 4 << 20, 1024, 32 << 20, 4, 2,
            line(50_000, 0.1, asked));
        assertTrue(below.bracketed());
        assertEquals(500_000, below.zeroBytes(), 100);
        assertArrayEquals(new long[] {1 << 19, 741455}, asked.get(1), "two sizes one doubling below");
    }

    @Test
    void refineStopsAtTheSweepsEndsAndAfterItsExtensions() {
        final java.util.List<long[]> asked = new java.util.ArrayList<>();
        // Zero far above: two extensions (to 8 and 16 MiB), then it gives up without a zero.
        final PathCrossing.Refined far = PathCrossing.refine(1 << 20, 4 << 20, 1024, 32 << 20, 4, 2,
            line(10_000_000, 0.1, asked));
        assertFalse(far.bracketed());
        assertFalse(far.flowCheaperThroughout());
        assertEquals(3, asked.size());
        assertEquals(16 << 20, far.bytes()[far.bytes().length - 1]);
        // The bracket already ends at the largest size swept: nothing beyond it is measured.
        asked.clear();
        assertFalse(PathCrossing.refine(1 << 20, 4 << 20, 1024, 4 << 20, 4, 2, line(10_000_000, 0.1, asked))
            .bracketed());
        assertEquals(1, asked.size());
        assertThrows(SchedulerException.class, () -> PathCrossing.refine(1 << 20, 4 << 20, 2 << 20, 4 << 20, 4, 2,
            line(1, 1, asked)));
    }

    @Test
    void refinePlacesTheZeroOnTheLineNearTheSignChangeNotThroughFarSizes() {
        // Linear through zero at 3 MB, flat from 6 MB on (the flow's advantage stops growing): a line through
        // all seven sizes would be tilted by the flat end.
        final PathCrossing.GapMeter<RuntimeException> bent = sizes -> java.util.Arrays.stream(sizes)
            .map(size -> Math.round(300_000 - 0.1 * Math.min(size, 6_000_000))).toArray();
        final long[] all = PathCrossing.steps(1 << 20, 16 << 20, 6);
        final double tilted = PathCrossing.zeroOfLine(all, bent.medianGapsNs(all));
        final PathCrossing.Refined refined = PathCrossing.refine(1 << 20, 16 << 20, 1024, 32 << 20, 6, 2, bent);
        assertEquals(3_000_000, refined.zeroBytes(), 100_000);
        assertTrue(Math.abs(refined.zeroBytes() - 3_000_000) < Math.abs(tilted - 3_000_000) / 2,
            () -> refined.zeroBytes() + " is not nearer 3 MB than the line through every size, " + tilted);
    }

    @Test
    void theBestFixedThresholdsAreTheRangeThatSendsEachSizeTheCheaperWay() {
        final long[] bytes = {1000, 2000, 4000, 8000};
        // The flow pays from 4000 on: any threshold in (2000, 4000] bypasses 1000 and 2000 and no more.
        assertEquals(new PathCrossing.BestRange(2000, 4000),
            PathCrossing.bestRange(bytes, new long[] {300, 100, -50, -400}));
        // One noisy size past the sign change: the sums still say where the flow pays overall.
        assertEquals(new PathCrossing.BestRange(2000, 4000),
            PathCrossing.bestRange(bytes, new long[] {300, 100, -200, 50}));
        assertEquals(new PathCrossing.BestRange(8000, Long.MAX_VALUE),
            PathCrossing.bestRange(bytes, new long[] {300, 200, 100, 1}), "bypass every size");
        assertEquals(new PathCrossing.BestRange(0, 1000),
            PathCrossing.bestRange(bytes, new long[] {-1, -2, -3, -4}), "a flow for every size");
    }

    @Test
    void aThresholdIsJudgedByItsDistanceFromTheBestRange() {
        final PathCrossing.BestRange range = new PathCrossing.BestRange(2000, 4000);
        assertEquals(0, range.offBy(3000), 1e-12);
        assertEquals(0, range.offBy(4000), 1e-12, "4000 bypasses 2000 and not 4000, as the range does");
        assertEquals(0.25, range.offBy(5000), 1e-12);
        assertEquals(-0.25, range.offBy(1500), 1e-12);
        assertEquals(0, new PathCrossing.BestRange(8000, Long.MAX_VALUE).offBy(Long.MAX_VALUE), 1e-12);
    }
}
