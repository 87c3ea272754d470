package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaCeilingsTest {
    private static final long MIB = 1L << 20;

    private static DevicePool pool(int cards) {
        return DevicePool.of(
            new DeviceCapacity("file-source", 4, 1000 * MIB, false, 64),
            new DeviceCapacity("aes-card", cards, 300 * MIB, false, 64),
            new DeviceCapacity("gzip", 3, 200 * MIB, true, 1),
            new DeviceCapacity("file-sink", 4, 1000 * MIB, false, 64));
    }

    private static Map<String, List<InstanceId>> all(DevicePool pool) {
        return new Admission(pool, Grants.unrestricted()).freeInstances();
    }

    /** file-source -> aes-card auto -> gzip (auto, but pinned) -> file-sink, asking for {@code rate}. */
    private static Placement plan(DevicePool pool, long rate) {
        return Planner.plan(List.of(StageRequest.of("file-source"), StageRequest.auto("aes-card"),
            StageRequest.auto("gzip"), StageRequest.of("file-sink")), pool, all(pool), rate);
    }

    @Test
    void anAutoStageOfAStatelessKindMayGrowToEveryInstanceOfItsKind() {
        final DevicePool pool = pool(6);
        final Placement placement = plan(pool, 200 * MIB);
        assertEquals(List.of(1, 1, 1, 1), placement.stages().stream().map(StagePlacement::replicas).toList());
        assertEquals(List.of(1, 6, 1, 1), ReplicaCeilings.of(placement, pool,
            Optional.of(Grant.unrestricted("web")), ReplicaCeilings.MAX_CEILING));
    }

    @Test
    void theGrantAndTheCapBoundTheCeilingButNeverBelowThePlacement() {
        final DevicePool pool = pool(40);
        final Placement placement = plan(pool, 200 * MIB);
        assertEquals(List.of(1, ReplicaCeilings.MAX_CEILING, 1, 1), ReplicaCeilings.of(placement, pool,
            Optional.of(Grant.unrestricted("web")), 64));
        assertEquals(List.of(1, 4, 1, 1), ReplicaCeilings.of(placement, pool, Optional.of(Grant.unrestricted("web")), 4));
        // Seven instances for the flow: three go to the other stages, four are left for the cards.
        final Grant seven = new Grant("web", Set.of(Grant.ALL), 7, Long.MAX_VALUE);
        assertEquals(List.of(1, 4, 1, 1), ReplicaCeilings.of(placement, pool, Optional.of(seven), 16));

        final Placement wide = Planner.plan(List.of(StageRequest.of("file-source"), StageRequest.auto("aes-card"),
            StageRequest.of("file-sink")), pool, all(pool), 1000 * MIB);
        assertEquals(4, wide.stage(1).replicas(), "ceil(1000 / 300)");
        final Grant four = new Grant("web", Set.of(Grant.ALL), 4, Long.MAX_VALUE);
        assertEquals(List.of(1, 4, 1), ReplicaCeilings.of(wide, pool, Optional.of(four), 16),
            "a grant smaller than the plan leaves the plan as it is (admission judges it)");
    }

    @Test
    void aCeilingOfOneCompilesTheFlowAsPlaced() {
        final DevicePool pool = pool(6);
        final Placement placement = plan(pool, 200 * MIB);
        assertEquals(List.of(1, 1, 1, 1), ReplicaCeilings.of(placement, pool, Optional.of(Grant.unrestricted("web")), 1));
        assertEquals(List.of(1, 1, 1, 1), ReplicaCeilings.of(placement, pool, Optional.empty(), 16));
    }
}
