package io.flowswitch.devices.accel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.testkit.ChunkLoops;
import io.flowswitch.devices.testkit.DeviceHarness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedAcceleratorTest {
    private static final long MIB = 1 << 20;
    private final SharedAcceleratorKind kind = new SharedAcceleratorKind("aes-card", 3, 64 * MIB);

    private static DeviceParams params(Map<String, String> values) {
        return new DeviceParams("stage 2 (aes-card)", values, 1);
    }

    private RateLimitDevice create(long flowId) {
        return kind.create(params(Map.of()), new FlowContext(flowId, 4096, Map.of()));
    }

    @Test
    void capabilitiesCarryTheInstancesAndRateSoThePoolLeasesWhatTheModelsDo() {
        assertEquals("aes-card", kind.name());
        assertEquals(3, kind.capabilities().getInstances());
        assertEquals(64.0 * MIB, kind.capabilities().getMeasuredBytesPerSecond());
        assertEquals(3, kind.instances().size());
        assertEquals("aes-card#2", kind.instances().get(2).instance());
        assertTrue(kind.laneSafe() && kind.blocking());
    }

    @Test
    void aDevicePacesAtItsFlowsPartAndFollowsAReSplit() {
        final SharedAccelerator card = kind.instances().get(1);
        card.share(Map.of(7L, 48 * MIB, 8L, 16 * MIB));
        final RateLimitDevice seven = create(7);
        final RateLimitDevice eight = create(8);
        assertEquals(48 * MIB, seven.rateBytesPerSecond());
        assertEquals(16 * MIB, eight.rateBytesPerSecond());
        // Flow 7 left: flow 8 gets the whole card, in place.
        card.share(Map.of(8L, 64 * MIB));
        assertEquals(64 * MIB, eight.rateBytesPerSecond());
        assertEquals(-1, card.shareOf(7));
        assertEquals(1, card.tenants());
    }

    @Test
    void aFlowsReplicasSpreadOverTheInstancesThatHoldItsParts() {
        kind.instances().get(0).share(Map.of(5L, 10 * MIB));
        kind.instances().get(2).share(Map.of(5L, 20 * MIB));
        final long first = create(5).rateBytesPerSecond();
        final long second = create(5).rateBytesPerSecond();
        assertEquals(30 * MIB, first + second, "one replica on each instance");
    }

    @Test
    void aPlacedFlowsReplicasPaceAtTheirOwnInstancesPartsAndAParkedOneHoldsNone() {
        // The scheduler placed flow 5's one replica on instance 2; the stage was compiled with three.
        kind.instances().get(2).share(Map.of(5L, 40 * MIB));
        kind.place(5, List.of(List.of(2)));
        final RateLimitDevice first = create(5);
        final RateLimitDevice second = create(5);
        final RateLimitDevice third = create(5);
        assertEquals(40 * MIB, first.rateBytesPerSecond());
        assertFalse(second.holdsShare() || third.holdsShare(), "parked replicas hold no part of any instance");

        // It grows onto instances 0 and 1: each new replica paces at its own instance's part, none doubles up.
        kind.instances().get(0).share(Map.of(5L, 10 * MIB, 6L, 30 * MIB));
        kind.instances().get(1).share(Map.of(5L, 20 * MIB));
        kind.place(5, List.of(List.of(2, 0, 1)));
        assertEquals(List.of(40 * MIB, 10 * MIB, 20 * MIB), List.of(first.rateBytesPerSecond(),
            second.rateBytesPerSecond(), third.rateBytesPerSecond()));
        // Flow 6 leaves instance 0: the re-split reaches the replica there at its next chunk.
        kind.instances().get(0).share(Map.of(5L, 64 * MIB));
        assertEquals(64 * MIB, second.rateBytesPerSecond());

        // Parked again: instance 1 is re-split without the flow, and the replica keeps no part of it; it finishes
        // what it holds at the rate it had.
        kind.instances().get(1).share(Map.of());
        kind.place(5, List.of(List.of(2, 0)));
        assertFalse(third.holdsShare());
        assertEquals(20 * MIB, third.rateBytesPerSecond());
        assertEquals(-1, kind.instances().get(1).shareOf(5));
        // And back onto instance 1, whose part is a new one: the replica follows it, not the part it lost.
        kind.instances().get(1).share(Map.of(5L, 32 * MIB));
        kind.place(5, List.of(List.of(2, 0, 1)));
        assertEquals(32 * MIB, third.rateBytesPerSecond());
        kind.instances().get(1).share(Map.of(5L, 16 * MIB));
        assertEquals(16 * MIB, third.rateBytesPerSecond());

        first.close();
        assertFalse(first.holdsShare(), "a closed device gives its part up");
        kind.place(5, List.of(List.of(2, 0, 1)));
        assertFalse(first.holdsShare(), "and never takes one again");
        assertEquals(64 * MIB, second.rateBytesPerSecond(), "the replicas after it keep their instances");
        assertEquals(40 * MIB, create(5).rateBytesPerSecond(), "made again (a restart), it takes its replica's place");
        kind.forget(5);
        assertFalse(kind.placed(5));
    }

    @Test
    void twoStagesOfOneKindArePlacedEachOnItsOwnInstances() {
        kind.instances().get(0).share(Map.of(8L, 8 * MIB));
        kind.instances().get(1).share(Map.of(8L, 16 * MIB));
        kind.place(8, List.of(List.of(1), List.of(0)));
        final FlowContext context = new FlowContext(8, 4096, Map.of());
        final RateLimitDevice second = kind.create(new DeviceParams("stage 2 (aes-card)", Map.of(), 1), context);
        final RateLimitDevice fourth = kind.create(new DeviceParams("stage 4 (aes-card)", Map.of(), 1), context);
        assertEquals(16 * MIB, second.rateBytesPerSecond());
        assertEquals(8 * MIB, fourth.rateBytesPerSecond());
    }

    @Test
    void aFlowNoSchedulerPlacedPacesAtOneInstancesRate() {
        assertEquals(64 * MIB, create(99).rateBytesPerSecond());
    }

    @Test
    void aPartSqueezedToNothingStillMoves() {
        kind.instances().get(0).share(Map.of(3L, 0L));
        assertEquals(RateLimitKind.MIN_RATE_BYTES_PER_SECOND, create(3).rateBytesPerSecond());
    }

    @Test
    void bytesPassUnchangedAndNoFasterThanThePart() {
        kind.instances().get(0).share(Map.of(11L, 8 * MIB));
        final RateLimitDevice device = create(11);
        final byte[] input = ChunkLoops.randomBytes(1 << 20, 3);
        final long startNs = System.nanoTime();
        final byte[] output = new DeviceHarness(64 * 1024).run(device, input);
        final long elapsedNs = System.nanoTime() - startNs;
        assertArrayEquals(input, output);
        // Lower bound only: a busy machine may be slower than the model, never faster.
        assertTrue(elapsedNs >= 125_000_000L * 9 / 10, "1 MiB at 8 MiB/s took " + elapsedNs + " ns");
    }

    @Test
    void badNamesRatesAndParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SharedAcceleratorKind("AES card", 1, MIB));
        assertThrows(IllegalArgumentException.class, () -> new SharedAcceleratorKind("aes-card", 0, MIB));
        assertThrows(IllegalArgumentException.class, () -> new SharedAcceleratorKind("aes-card", 1, 10));
        final DeviceException error = assertThrows(DeviceException.class,
            () -> kind.validate(params(Map.of("rate-bytes-per-second", "5")), new FlowContext(1, 4096, Map.of())));
        assertTrue(error.getMessage().contains("rate-bytes-per-second"), error.getMessage());
        assertNotSame(create(1), create(1));
    }
}
