package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random interleaved admits and releases never overbook an instance, and the ledger adds up. */
class AdmissionPropertyTest {
    private static final long MIB = 1L << 20;
    private static final String[] KINDS = {"aes-card", "gzip", "sha", "off"};

    @Test
    void thousandRandomRequestsNeverExceedAnyInstanceAndTotalsEqualLiveLeases() {
        for (long seed = 1; seed <= 5; seed++) {
            run(seed);
        }
    }

    private static void run(long seed) {
        final Random random = new Random(seed);
        final DevicePool pool = DevicePool.of(
            new DeviceCapacity("aes-card", 3, 300 * MIB, false, 4),
            new DeviceCapacity("gzip", 4, 100 * MIB, true, 64),
            new DeviceCapacity("sha", 2, 500 * MIB, false, 64),
            new DeviceCapacity("off", 1, 0, false, 64));
        final Grants grants = Grants.of(
            new Grant("web", Set.of("*"), 6, 600 * MIB),
            new Grant("batch", Set.of("aes-card", "sha"), 3, 200 * MIB));
        final Admission admission = new Admission(pool, grants);
        final List<Long> live = new ArrayList<>();
        int granted = 0;
        int refused = 0;
        for (int op = 0; op < 1000; op++) {
            if (!live.isEmpty() && random.nextInt(3) == 0) {
                final long flowId = random.nextBoolean() ? live.remove(random.nextInt(live.size())) : 10_000 + op;
                admission.release(flowId);
                admission.release(flowId);
            } else {
                final List<StageRequest> stages = new ArrayList<>();
                for (int s = 1 + random.nextInt(3); s > 0; s--) {
                    final String kind = KINDS[random.nextInt(KINDS.length)];
                    stages.add(new StageRequest(kind, random.nextInt(4) == 0 ? StageRequest.AUTO : 1 + random.nextInt(2)));
                }
                final long flowId = random.nextInt(10) == 0 && !live.isEmpty() ? live.get(0) : op;
                final FlowRequest request = new FlowRequest(flowId, random.nextBoolean() ? "web" : "batch", stages,
                    random.nextInt(5) == 0 ? 0 : random.nextInt(400) * MIB, 1 + random.nextInt(3));
                final Decision decision = admission.admit(request);
                if (decision instanceof Decision.Granted) {
                    live.add(flowId);
                    granted++;
                } else {
                    refused++;
                }
            }
            check(admission, pool, "seed " + seed + " op " + op);
        }
        assertTrue(granted > 100 && refused > 100, "both outcomes exercised: " + granted + " / " + refused);
    }

    private static void check(Admission admission, DevicePool pool, String where) {
        final Map<InstanceId, Long> rates = new HashMap<>();
        final Map<InstanceId, Integer> counts = new HashMap<>();
        for (Lease lease : admission.leases()) {
            for (StageLease stage : lease.stages()) {
                assertEquals(lease.bytesPerSecond(), stage.bytesPerSecond(), where + ": a stage carries the flow's rate");
                if (stage.pinned()) {
                    assertEquals(1, stage.assignments().size(), where + ": pinned stage on one instance");
                }
            }
            for (Assignment a : lease.assignments()) {
                rates.merge(a.instance(), a.bytesPerSecond(), Long::sum);
                counts.merge(a.instance(), 1, Integer::sum);
            }
        }
        for (DeviceCapacity capacity : pool.kinds()) {
            long kindTotal = 0;
            for (int i = 0; i < capacity.instances(); i++) {
                final InstanceId id = capacity.instance(i);
                final long used = admission.inUseBytesPerSecond(id);
                assertTrue(used <= capacity.rateBytesPerSecond(), where + ": " + id + " leased past its rate");
                assertTrue(admission.leaseCount(id) <= capacity.leasesPerInstance(), where + ": " + id
                    + " leased past its lease count");
                assertEquals(rates.getOrDefault(id, 0L), used, where + ": " + id + " rate total");
                assertEquals(counts.getOrDefault(id, 0), admission.leaseCount(id), where + ": " + id + " lease count");
                kindTotal += used;
            }
            assertEquals(kindTotal, admission.inUseBytesPerSecond(capacity.kind()), where);
        }
    }
}
