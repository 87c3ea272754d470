package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmallRequestThresholdTest {
    @Test
    void thresholdIsSetupOverThePerByteSaving() {
        // 200 µs set-up; flow 0.5 ns/B, direct 1.5 ns/B: 200 000 / 1 = 200 000 B.
        final SmallRequestThreshold threshold = SmallRequestThreshold.calibrate(200_000, 0.5, 1.5);
        assertEquals(200_000, threshold.thresholdBytes());
        assertTrue(threshold.bypass(199_999));
        assertFalse(threshold.bypass(200_000));
        assertTrue(threshold.calibrated());
    }

    @Test
    void roundsUpSoEveryCheaperSizeBypasses() {
        assertEquals(334, SmallRequestThreshold.calibrate(1000, 0, 3).thresholdBytes());
    }

    @Test
    void alwaysBypassWhenTheFlowPathIsNotCheaperPerByte() {
        assertTrue(SmallRequestThreshold.calibrate(1000, 2, 2).alwaysBypass());
        assertTrue(SmallRequestThreshold.calibrate(1000, 3, 2).bypass(Long.MAX_VALUE - 1));
        assertEquals("always bypass (calibrated)", SmallRequestThreshold.calibrate(1, 3, 2).toString());
    }

    @Test
    void freeSetupMeansNoBypass() {
        assertFalse(SmallRequestThreshold.calibrate(0, 1, 2).bypass(0));
    }

    @Test
    void overrideWins() {
        final SmallRequestThreshold threshold = SmallRequestThreshold.override(4096);
        assertTrue(threshold.bypass(4095));
        assertFalse(threshold.bypass(4096));
        assertEquals("bypass below 4 KiB (configured)", threshold.toString());
    }

    @Test
    void rejectsNegativeOrNonFiniteCosts() {
        assertThrows(SchedulerException.class, () -> SmallRequestThreshold.calibrate(-1, 0, 1));
        assertThrows(SchedulerException.class, () -> SmallRequestThreshold.calibrate(1, Double.NaN, 1));
        assertThrows(SchedulerException.class, () -> SmallRequestThreshold.override(-1));
    }
}
