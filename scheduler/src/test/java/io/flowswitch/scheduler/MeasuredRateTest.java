package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeasuredRateTest {
    private static final long SECOND_NS = 1_000_000_000L;

    @Test
    void firstSampleSetsTheRate() {
        final MeasuredRate rate = MeasuredRate.empty(SECOND_NS).sample(1000, SECOND_NS / 2);
        assertEquals(2000, rate.bytesPerSecond(), 1e-9);
        assertEquals(1, rate.samples());
    }

    @Test
    void aSampleOneHalfLifeLongMovesHalfWay() {
        final MeasuredRate rate = MeasuredRate.startingAt(SECOND_NS, 1000).sample(3000, SECOND_NS);
        assertEquals(2000, rate.bytesPerSecond(), 1e-9);
    }

    @Test
    void shortSamplesMoveLittleAndManyConverge() {
        MeasuredRate rate = MeasuredRate.startingAt(SECOND_NS, 1000);
        rate = rate.sample(3, SECOND_NS / 1000);
        assertTrue(rate.bytesPerSecond() > 1000 && rate.bytesPerSecond() < 1010, rate.toString());
        for (int i = 0; i < 20_000; i++) {
            rate = rate.sample(3, SECOND_NS / 1000);
        }
        assertEquals(3000, rate.bytesPerSecond(), 1);
    }

    @Test
    void isImmutable() {
        final MeasuredRate before = MeasuredRate.startingAt(SECOND_NS, 1000);
        before.sample(5000, SECOND_NS);
        assertEquals(1000, before.bytesPerSecond());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(SchedulerException.class, () -> MeasuredRate.empty(0));
        assertThrows(SchedulerException.class, () -> MeasuredRate.empty(SECOND_NS).sample(1, 0));
        assertThrows(SchedulerException.class, () -> MeasuredRate.empty(SECOND_NS).sample(-1, 1));
    }

    @Test
    void rateChangeFiresOnlyBeyondTheMargin() {
        final RateChange change = new RateChange(0.2);
        assertFalse(change.significant(100, 120));
        assertFalse(change.significant(100, 80));
        assertTrue(change.significant(100, 121));
        assertTrue(change.significant(100, 79));
        assertTrue(change.significant(0, 1), "anything measured where nothing was planned");
        assertFalse(change.significant(0, 0));
    }

    @Test
    void changedKindsComparesTwoPools() {
        final DevicePool planned = DevicePool.of(new DeviceCapacity("a", 1, 100, false, 1),
            new DeviceCapacity("b", 1, 100, false, 1));
        final DevicePool measured = planned.withRate("a", 150).withRate("b", 110);
        assertEquals(List.of("a"), RateChange.DEFAULT.changedKinds(planned, measured));
    }
}
