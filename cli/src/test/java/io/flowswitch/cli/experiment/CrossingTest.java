package io.flowswitch.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the sweep says the flow path starts to pay for itself. */
class CrossingTest {
    private static SmallRequestsExperiment.Point point(long size, double flowNs, double bypassNs) {
        return new SmallRequestsExperiment.Point(size, flowNs, bypassNs, 0);
    }

    @Test
    void interpolatesBetweenTheSizesAroundTheCrossing() {
        // flow = 1000 + size / 2, bypass = size: they cross at 2000.
        final List<SmallRequestsExperiment.Point> points = List.of(point(1024, 1512, 1024), point(2048, 2024, 2048),
            point(4096, 3048, 4096));
        assertEquals(2000, SmallRequestsExperiment.crossing(points), 1e-9);
    }

    @Test
    void noCrossingWhenBypassAlwaysWinsAndTheSmallestWhenTheFlowAlwaysDoes() {
        assertEquals(-1, SmallRequestsExperiment.crossing(List.of(point(1024, 5000, 100), point(2048, 5000, 200))));
        assertEquals(1024, SmallRequestsExperiment.crossing(List.of(point(1024, 50, 100), point(2048, 60, 200))));
    }

    @Test
    void judgesByThePairedGapsNotTheDifferenceOfMedians() {
        // The medians say the flow still costs more at 2048 (2100 > 2000); the paired gaps say it costs 50 less:
        // the requests beside each other are what the crossing is about.
        final List<SmallRequestsExperiment.Point> points = List.of(
            new SmallRequestsExperiment.Point(1024, 1600, 1000, 0, Double.NaN, Double.NaN, 600),
            new SmallRequestsExperiment.Point(2048, 2100, 2000, 0, Double.NaN, Double.NaN, -50));
        assertEquals(1024 + 1024 * 600 / 650.0, SmallRequestsExperiment.crossing(points), 1e-9);
    }
}
