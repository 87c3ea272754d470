package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final long MIB = 1L << 20;

    /** The paper's shape: a fast NIC-like source and sink around a slow crypto card and a stateful compressor. */
    private static DevicePool pool() {
        return DevicePool.of(
            new DeviceCapacity("nic-source", 4, 1200 * MIB, true, 1),
            new DeviceCapacity("aes-card", 6, 300 * MIB, false, 64),
            new DeviceCapacity("gzip", 3, 200 * MIB, true, 1),
            new DeviceCapacity("nic-sink", 4, 1000 * MIB, true, 1));
    }

    private static Map<String, List<InstanceId>> all(DevicePool pool) {
        return new Admission(pool, Grants.unrestricted()).freeInstances();
    }

    private static List<StageRequest> encrypt(StageRequest card) {
        return List.of(StageRequest.of("nic-source"), card, StageRequest.of("nic-sink"));
    }

    @Test
    void peakIsTheSlowestStage() {
        final Placement plan = Planner.plan(encrypt(StageRequest.of("aes-card")), pool(), all(pool()), 0);
        assertEquals(300 * MIB, plan.peakBytesPerSecond());
        assertEquals(1, plan.bottleneckStage());
        assertEquals(List.of(1200 * MIB, 300 * MIB, 1000 * MIB),
            plan.stages().stream().map(StagePlacement::expectedBytesPerSecond).toList());
    }

    @Test
    void fixedReplicasMultiplyTheRate() {
        final Placement plan = Planner.plan(encrypt(StageRequest.of("aes-card", 2)), pool(), all(pool()), 0);
        assertEquals(600 * MIB, plan.peakBytesPerSecond());
        assertEquals(2, plan.stage(1).replicas());
    }

    @Test
    void autoReplicatesTheSlowStageUntilItIsNoLongerTheBottleneck() {
        final Placement plan = Planner.plan(encrypt(StageRequest.auto("aes-card")), pool(), all(pool()), 0);
        // 1000 MiB/s sink: ceil(1000 / 300) = 4 cards, 1200 MiB/s; the sink is now the bottleneck.
        assertEquals(4, plan.stage(1).replicas());
        assertEquals(1200 * MIB, plan.stage(1).expectedBytesPerSecond());
        assertEquals(1000 * MIB, plan.peakBytesPerSecond());
        assertEquals(2, plan.bottleneckStage());
    }

    @Test
    void autoTakesAllFreeInstancesWhenTheyAreNotEnough() {
        final DevicePool pool = pool();
        final Map<String, List<InstanceId>> free = Map.of(
            "nic-source", List.of(new InstanceId("nic-source", 0)),
            "aes-card", List.of(new InstanceId("aes-card", 4), new InstanceId("aes-card", 5)),
            "nic-sink", List.of(new InstanceId("nic-sink", 1)));
        final Placement plan = Planner.plan(encrypt(StageRequest.auto("aes-card")), pool, free, 0);
        assertEquals(List.of(new InstanceId("aes-card", 4), new InstanceId("aes-card", 5)), plan.stage(1).instances());
        assertEquals(600 * MIB, plan.peakBytesPerSecond());
    }

    @Test
    void autoStopsAtTheTargetRate() {
        final Placement plan = Planner.plan(encrypt(StageRequest.auto("aes-card")), pool(), all(pool()), 500 * MIB);
        assertEquals(2, plan.stage(1).replicas());
        assertEquals(600 * MIB, plan.peakBytesPerSecond());
    }

    @Test
    void singleAutoStageTakesEveryFreeInstance() {
        final Placement plan = Planner.plan(List.of(StageRequest.auto("aes-card")), pool(), all(pool()), 0);
        assertEquals(6, plan.stage(0).replicas());
        assertEquals(1800 * MIB, plan.peakBytesPerSecond());
    }

    @Test
    void autoDoesNotHelpWhenAFixedStageIsTheBottleneck() {
        final List<StageRequest> stages = List.of(StageRequest.of("nic-source"), StageRequest.auto("aes-card"),
            StageRequest.of("gzip"), StageRequest.of("nic-sink"));
        final Placement plan = Planner.plan(stages, pool(), all(pool()), 0);
        // gzip is 200 MiB/s and stateful; one card at 300 MiB/s is already faster.
        assertEquals(1, plan.stage(1).replicas());
        assertEquals(200 * MIB, plan.peakBytesPerSecond());
        assertEquals(2, plan.bottleneckStage());
        assertTrue(plan.stage(2).pinned());
    }

    @Test
    void statefulStageStaysOnOneInstanceEvenWhenAuto() {
        final Placement plan = Planner.plan(List.of(StageRequest.auto("gzip")), pool(), all(pool()), 0);
        assertEquals(1, plan.stage(0).replicas());
        assertEquals(200 * MIB, plan.peakBytesPerSecond());
    }

    @Test
    void twoSlowAutoStagesBothGrow() {
        final DevicePool pool = DevicePool.of(
            new DeviceCapacity("src", 1, 1000 * MIB, true, 1),
            new DeviceCapacity("a", 8, 100 * MIB, false, 1),
            new DeviceCapacity("b", 8, 250 * MIB, false, 1));
        final Placement plan = Planner.plan(List.of(StageRequest.of("src"), StageRequest.auto("a"), StageRequest.auto("b")),
            pool, all(pool), 0);
        // a: 8 × 100 = 800; b: ceil(800 / 250) = 4 → 1000; peak 800 with a out of instances.
        assertEquals(8, plan.stage(1).replicas());
        assertEquals(4, plan.stage(2).replicas());
        assertEquals(800 * MIB, plan.peakBytesPerSecond());
    }

    @Test
    void noFreeInstanceLeavesTheStageUnplaced() {
        final Placement plan = Planner.plan(encrypt(StageRequest.auto("aes-card")), pool(),
            Map.of("nic-source", List.of(new InstanceId("nic-source", 0)), "nic-sink",
                List.of(new InstanceId("nic-sink", 0))), 0);
        assertFalse(plan.placed());
        assertEquals(0, plan.peakBytesPerSecond());
        assertEquals(1, plan.bottleneckStage());
    }

    @Test
    void unknownKindIsAnError() {
        final SchedulerException e = assertThrows(SchedulerException.class,
            () -> Planner.plan(List.of(StageRequest.of("qat")), pool(), all(pool()), 0));
        assertEquals(SchedulerException.Code.UNKNOWN_KIND, e.code());
    }

    @Test
    void replanKeepsPinnedStagesWhereTheyAreAndResizesAuto() {
        final DevicePool pool = pool();
        final List<StageRequest> stages = List.of(StageRequest.of("nic-source"), StageRequest.auto("aes-card"),
            StageRequest.of("gzip"), StageRequest.of("nic-sink"));
        final Map<String, List<InstanceId>> free = Map.of(
            "nic-source", List.of(new InstanceId("nic-source", 2)),
            "aes-card", List.of(new InstanceId("aes-card", 3), new InstanceId("aes-card", 4),
                new InstanceId("aes-card", 5)),
            "gzip", List.of(new InstanceId("gzip", 1)),
            "nic-sink", List.of(new InstanceId("nic-sink", 3)));
        final Placement before = Planner.plan(stages, pool, free, 0);
        assertEquals(List.of(new InstanceId("gzip", 1)), before.stage(2).instances());
        assertEquals(1, before.stage(1).replicas());

        // The card slows to 50 MiB/s: gzip (200) is no longer the bottleneck; the cards are.
        final DevicePool slower = pool.withRate("aes-card", 50 * MIB);
        assertTrue(RateChange.DEFAULT.significant(before.ratesBytesPerSecond().get(1),
            slower.require("aes-card").rateBytesPerSecond()));
        // Other flows took gzip#1's neighbours meanwhile: nothing of gzip is free now.
        final Map<String, List<InstanceId>> freeNow = Map.of(
            "aes-card", List.of(new InstanceId("aes-card", 0), new InstanceId("aes-card", 1),
                new InstanceId("aes-card", 2), new InstanceId("aes-card", 4), new InstanceId("aes-card", 5)));
        final Placement after = Planner.replan(before, stages, slower, freeNow, 0);
        assertEquals(before.stage(0).instances(), after.stage(0).instances(), "pinned source stays");
        assertEquals(before.stage(2).instances(), after.stage(2).instances(), "pinned gzip stays");
        assertEquals(before.stage(3).instances(), after.stage(3).instances(), "pinned sink stays");
        assertEquals(4, after.stage(1).replicas(), "ceil(200 / 50) cards");
        assertEquals(before.stage(1).instances().get(0), after.stage(1).instances().get(0), "keeps its first card");
        assertEquals(200 * MIB, after.peakBytesPerSecond());
    }

    @Test
    void replanAfterARateRiseShrinksAutoStages() {
        final DevicePool pool = pool();
        final List<StageRequest> stages = encrypt(StageRequest.auto("aes-card"));
        final Placement before = Planner.plan(stages, pool, all(pool), 0);
        assertEquals(4, before.stage(1).replicas());
        final Placement after = Planner.replan(before, stages, pool.withRate("aes-card", 600 * MIB), Map.of(), 0);
        assertEquals(2, after.stage(1).replicas());
        assertEquals(before.stage(1).instances().subList(0, 2), after.stage(1).instances());
    }

    @Test
    void describeShowsTheBottleneck() {
        final String text = Planner.plan(encrypt(StageRequest.of("aes-card")), pool(), all(pool()), 0).describe();
        assertTrue(text.contains("1 aes-card [aes-card#0] 300 MiB/s <- bottleneck"), text);
        assertTrue(text.endsWith("peak 300 MiB/s\n"), text);
    }
}
