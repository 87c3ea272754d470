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
}
