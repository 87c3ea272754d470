package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FairShareTest {
    private static List<Long> shares(long capacity, FairShare.Claim... claims) {
        return FairShare.allocate(capacity, List.of(claims)).stream().map(FairShare.Share::bytesPerSecond).toList();
    }

    @Test
    void weightsThreeToOneOnASaturatedDeviceGiveThreeToOne() {
        assertEquals(List.of(300L, 100L), shares(400, new FairShare.Claim(1, 3, 1000), new FairShare.Claim(2, 1, 1000)));
    }

    @Test
    void unusedShareIsRedistributed() {
        // Flow 1 would get 300 but needs 50; the other 350 goes to flows 2 and 3 by weight.
        assertEquals(List.of(50L, 175L, 175L), shares(400, new FairShare.Claim(1, 2, 50),
            new FairShare.Claim(2, 1, 1000), new FairShare.Claim(3, 1, 1000)));
    }

    @Test
    void nobodyGetsMoreThanItAsks() {
        assertEquals(List.of(10L, 20L), shares(1000, new FairShare.Claim(1, 1, 10), new FairShare.Claim(2, 5, 20)));
    }

    @Test
    void zeroDemandGetsNothingAndLeavesItsShare() {
        assertEquals(List.of(0L, 400L), shares(400, new FairShare.Claim(1, 3, 0), new FairShare.Claim(2, 1, 1000)));
    }

    @Test
    void zeroCapacityAndNoClaims() {
        assertEquals(List.of(0L, 0L), shares(0, new FairShare.Claim(1, 1, 10), new FairShare.Claim(2, 1, 10)));
        assertEquals(List.of(), shares(100));
    }

    @Test
    void weightBelowOneIsRejected() {
        assertThrows(SchedulerException.class, () -> new FairShare.Claim(1, 0, 10));
    }

    @Test
    void sharesNeverExceedCapacityOrDemandAndLeaveNothingUnusedWhileSomeoneWantsMore() {
        final Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            final List<FairShare.Claim> claims = new ArrayList<>();
            long demand = 0;
            for (int i = random.nextInt(6); i >= 0; i--) {
                final long d = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000);
                claims.add(new FairShare.Claim(i, 1 + random.nextInt(5), d));
                demand += d;
            }
            final long capacity = random.nextInt(2_000_000);
            final List<FairShare.Share> shares = FairShare.allocate(capacity, claims);
            long total = 0;
            for (int i = 0; i < claims.size(); i++) {
                assertTrue(shares.get(i).bytesPerSecond() <= claims.get(i).demandBytesPerSecond());
                total += shares.get(i).bytesPerSecond();
            }
            assertTrue(total <= capacity);
            // Rounding down loses under a byte per flow.
            assertTrue(total >= Math.min(capacity, demand) - claims.size(), total + " of " + capacity);
        }
    }
}
