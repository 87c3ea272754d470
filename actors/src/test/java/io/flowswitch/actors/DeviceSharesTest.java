package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.accel.SharedAccelerator;
import io.flowswitch.devices.accel.SharedAcceleratorKind;
import io.flowswitch.scheduler.Assignment;
import io.flowswitch.scheduler.InstanceId;
import io.flowswitch.scheduler.Lease;
import io.flowswitch.scheduler.StageLease;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flow manager's run-time fair sharing, without actors: leases in, each instance's parts out. */
class DeviceSharesTest {
    private static final long K = 1024;
    private final SharedAcceleratorKind card = new SharedAcceleratorKind("aes-card", 2, 400 * K);
    private final DeviceShares shares = new DeviceShares(catalog(card));

    private static DeviceCatalog catalog(SharedAcceleratorKind kind) {
        final List<io.flowswitch.devices.DeviceKind> kinds = new ArrayList<>(DeviceCatalog.builtIn().kinds());
        kinds.add(kind);
        return new DeviceCatalog(kinds);
    }

    /** A lease of file-source, one aes-card instance at {@code reserved}, and file-sink. */
    private static Lease lease(long flowId, int weight, int instance, long reserved) {
        return new Lease(flowId, "default", reserved, weight, List.of(
            new StageLease(0, "file-source", false, List.of(new Assignment(new InstanceId("file-source", 0), 0))),
            new StageLease(1, "aes-card", false,
                List.of(new Assignment(new InstanceId("aes-card", instance), reserved))),
            new StageLease(2, "file-sink", false, List.of(new Assignment(new InstanceId("file-sink", 0), 0)))));
    }

    private SharedAccelerator model(int index) {
        return card.instances().get(index);
    }

    @Test
    void flowsOnOneInstanceShareItByWeightAndTheModelHearsOfIt() {
        shares.admitted(lease(1, 3, 0, 0));
        assertEquals(400 * K, model(0).shareOf(1), "alone, the whole card");
        shares.admitted(lease(2, 1, 0, 0));
        assertEquals(Map.of(1L, 300 * K, 2L, 100 * K), shares.parts(new InstanceId("aes-card", 0)));
        assertEquals(300 * K, model(0).shareOf(1));
        assertEquals(100 * K, model(0).shareOf(2));
        assertEquals(0, model(1).tenants(), "the other instance is untouched");
    }

    @Test
    void aFlowLeavingReSplitsItsInstancesAndReleaseIsIdempotent() {
        shares.admitted(lease(1, 3, 0, 0));
        shares.admitted(lease(2, 1, 0, 0));
        shares.admitted(lease(3, 2, 0, 0));
        assertEquals(Map.of(1L, 200 * K, 2L, 68266L, 3L, 136533L), shares.parts(new InstanceId("aes-card", 0)));
        shares.released(3);
        shares.released(3);
        assertEquals(300 * K, model(0).shareOf(1));
        assertEquals(100 * K, model(0).shareOf(2));
        assertEquals(-1, model(0).shareOf(3));
        shares.released(1);
        shares.released(2);
        assertEquals(0, model(0).tenants());
    }

    /** A lease of aes-card on {@code instances}, one replica each, {@code reserved} split over them. */
    private static Lease replicas(long flowId, long reserved, int... instances) {
        final List<Assignment> assignments = new ArrayList<>();
        for (int instance : instances) {
            assignments.add(new Assignment(new InstanceId("aes-card", instance), reserved / instances.length));
        }
        return new Lease(flowId, "default", reserved, 1, List.of(new StageLease(0, "aes-card", false, assignments)));
    }

    @Test
    void aLeaseReplacedWhileTheFlowRunsMovesItsPartsAndItsReplicas() {
        shares.admitted(replicas(1, 0, 1));
        shares.admitted(lease(2, 1, 0, 0));
        final io.flowswitch.devices.FlowContext context = new io.flowswitch.devices.FlowContext(1, 4096, Map.of());
        final io.flowswitch.devices.DeviceParams params =
            new io.flowswitch.devices.DeviceParams("stage 1 (aes-card)", Map.of(), 2);
        final var first = card.create(params, context);
        final var second = card.create(params, context);
        assertEquals(400 * K, first.rateBytesPerSecond(), "alone on instance 1");
        assertEquals(false, second.holdsShare(), "compiled to grow into, parked");

        // Grown onto instance 0, which flow 2 had alone: it is split, and the new replica paces at its part there.
        shares.replaced(replicas(1, 0, 1, 0));
        assertEquals(Map.of(2L, 200 * K, 1L, 200 * K), shares.parts(new InstanceId("aes-card", 0)));
        assertEquals(200 * K, second.rateBytesPerSecond());
        assertEquals(400 * K, first.rateBytesPerSecond(), "its part of instance 1 is kept, in place");

        // Shrunk back: instance 0 is flow 2's alone again, and the parked replica holds no part of it.
        shares.replaced(replicas(1, 0, 1));
        assertEquals(400 * K, model(0).shareOf(2));
        assertEquals(-1, model(0).shareOf(1));
        assertEquals(false, second.holdsShare());
        assertEquals(400 * K, first.rateBytesPerSecond());

        shares.released(1);
        assertEquals(false, card.placed(1));
        assertEquals(0, model(1).tenants());
    }

    @Test
    void aReservedRateIsKeptAndTheRestGoesByWeight() {
        shares.admitted(lease(1, 1, 1, 250 * K));
        shares.admitted(lease(2, 3, 1, 0));
        shares.admitted(lease(3, 1, 1, 0));
        assertEquals(250 * K, model(1).shareOf(1));
        assertEquals(115200, model(1).shareOf(2));
        assertEquals(38400, model(1).shareOf(3));
    }

    @Test
    void kindsThatAreNotSharedAcceleratorsAreLeftAlone() {
        shares.admitted(lease(1, 1, 0, 0));
        assertEquals(Map.of(), shares.parts(new InstanceId("file-source", 0)));
    }

    @Test
    void anInstanceWhoseDeviceActorDiedIsReSplitAmongTheFlowsLeftOnIt() {
        shares.admitted(lease(1, 3, 0, 0));
        shares.admitted(lease(2, 1, 0, 0));
        shares.admitted(lease(3, 1, 1, 0));
        assertEquals(100 * K, model(0).shareOf(2));
        // The ledger took aes-card#0 out of flow 1's lease: flow 2 has it alone.
        shares.lost(new InstanceId("aes-card", 0), List.of(1L));
        assertEquals(Map.of(2L, 400 * K), shares.parts(new InstanceId("aes-card", 0)));
        assertEquals(-1, model(0).shareOf(1));
        assertEquals(400 * K, model(0).shareOf(2));
        assertEquals(400 * K, model(1).shareOf(3), "the other instance is untouched");
        shares.released(1);
        shares.released(2);
        assertEquals(0, model(0).tenants());
    }
}
