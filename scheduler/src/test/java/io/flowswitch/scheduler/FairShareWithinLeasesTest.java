package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FairShare#withinLeases}: reservations first and capped, the rest by weight. */
class FairShareWithinLeasesTest {
    private static List<Long> split(long capacity, FairShare.Tenant... tenants) {
        return FairShare.withinLeases(capacity, List.of(tenants)).stream().map(FairShare.Share::bytesPerSecond)
            .toList();
    }

    @Test
    void flowsWithoutReservationsShareByWeight() {
        assertEquals(List.of(300L, 100L), split(400, new FairShare.Tenant(1, 3, 0), new FairShare.Tenant(2, 1, 0)));
        assertEquals(List.of(200L, 100L, 100L), split(400, new FairShare.Tenant(1, 2, 0), new FairShare.Tenant(2, 1, 0),
            new FairShare.Tenant(3, 1, 0)));
    }

    @Test
    void aReservationIsGuaranteedAndCapsTheFlowWhateverItsWeight() {
        // Flow 1 reserved 90 with weight 1; flow 2 reserved nothing with weight 3: 2 gets what 1 leaves.
        assertEquals(List.of(90L, 10L), split(100, new FairShare.Tenant(1, 1, 90), new FairShare.Tenant(2, 3, 0)));
        // Alone, a reserving flow still gets only its reservation: the lease is its cap.
        assertEquals(List.of(30L), split(100, new FairShare.Tenant(1, 5, 30)));
    }

    @Test
    void whatReservationsLeaveIsSplitByWeightAmongTheRest() {
        assertEquals(List.of(200L, 150L, 50L), split(400, new FairShare.Tenant(1, 1, 200), new FairShare.Tenant(2, 3, 0),
            new FairShare.Tenant(3, 1, 0)));
    }

    @Test
    void reservationsBeyondCapacityAreCutByWeightAndTheRestGetNothing() {
        assertEquals(List.of(75L, 25L, 0L), split(100, new FairShare.Tenant(1, 3, 100), new FairShare.Tenant(2, 1, 100),
            new FairShare.Tenant(3, 1, 0)));
    }

    @Test
    void aFlowLeavingReSplitsTheInstance() {
        final List<FairShare.Tenant> tenants = new ArrayList<>(List.of(new FairShare.Tenant(1, 3, 0),
            new FairShare.Tenant(2, 1, 0), new FairShare.Tenant(3, 2, 0)));
        assertEquals(List.of(150L, 50L, 100L), FairShare.withinLeases(300, tenants).stream()
            .map(FairShare.Share::bytesPerSecond).toList());
        tenants.remove(2);
        assertEquals(List.of(225L, 75L), FairShare.withinLeases(300, tenants).stream()
            .map(FairShare.Share::bytesPerSecond).toList());
    }

    @Test
    void sharesNeverExceedCapacityAndKeepTheTenantsOrder() {
        final Random random = new Random(5);
        for (int round = 0; round < 1000; round++) {
            final long capacity = random.nextInt(1_000_000);
            final List<FairShare.Tenant> tenants = new ArrayList<>();
            long reserved = 0;
            for (int i = random.nextInt(8); i > 0; i--) {
                final long reservation = random.nextBoolean() ? 0 : random.nextInt(200_000);
                reserved += reservation;
                tenants.add(new FairShare.Tenant(i, 1 + random.nextInt(5), reservation));
            }
            final List<FairShare.Share> shares = FairShare.withinLeases(capacity, tenants);
            long sum = 0;
            for (int i = 0; i < tenants.size(); i++) {
                assertEquals(tenants.get(i).flowId(), shares.get(i).flowId());
                sum += shares.get(i).bytesPerSecond();
                if (reserved <= capacity && tenants.get(i).reservedBytesPerSecond() > 0) {
                    assertEquals(tenants.get(i).reservedBytesPerSecond(), shares.get(i).bytesPerSecond());
                }
            }
            assertTrue(sum <= capacity, "round " + round);
            // Work-conserving when someone reserved nothing: at most one byte per second per flow lost to rounding.
            if (tenants.stream().anyMatch(t -> t.reservedBytesPerSecond() == 0) && reserved <= capacity) {
                assertTrue(sum >= capacity - tenants.size(), "round " + round + ": " + sum + " of " + capacity);
            }
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(SchedulerException.class, () -> new FairShare.Tenant(1, 0, 0));
        assertThrows(SchedulerException.class, () -> new FairShare.Tenant(1, 1, -1));
        assertThrows(SchedulerException.class, () -> FairShare.withinLeases(-1, List.of()));
    }
}
