package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static final long MIB = 1L << 20;

    /** Three aes-card models at 300 MiB/s beside two stateful gzip instances and plenty of sources and sinks. */
    private static DevicePool pool() {
        return DevicePool.of(
            new DeviceCapacity("file-source", 8, 2048 * MIB, true, 1),
            new DeviceCapacity("aes-card", 3, 300 * MIB, false, 64),
            new DeviceCapacity("gzip", 2, 100 * MIB, true, 64),
            new DeviceCapacity("file-sink", 8, 2048 * MIB, true, 1),
            new DeviceCapacity("off", 2, 0, false, 4),
            new DeviceCapacity("none", 0, 100 * MIB, false, 4));
    }

    private static Admission admission() {
        return new Admission(pool(), Grants.unrestricted());
    }

    private static FlowRequest encrypt(long flowId, long rate, StageRequest card) {
        return FlowRequest.of(flowId, "web", rate, StageRequest.of("file-source"), card, StageRequest.of("file-sink"));
    }

    private static Lease granted(Decision decision) {
        return assertInstanceOf(Decision.Granted.class, decision, decision.toString()).lease();
    }

    private static Decision.Refused refused(Decision decision) {
        return assertInstanceOf(Decision.Refused.class, decision, decision.toString());
    }

    @Test
    void grantsAndSplitsTheRateOverReplicas() {
        final Admission admission = admission();
        final Lease lease = granted(admission.admit(encrypt(1, 450 * MIB, StageRequest.of("aes-card", 2))));
        final StageLease card = lease.stages().get(1);
        assertEquals(2, card.assignments().size());
        assertEquals(450 * MIB, card.bytesPerSecond());
        assertEquals(225 * MIB, card.assignments().get(0).bytesPerSecond());
        assertEquals(450 * MIB, admission.inUseBytesPerSecond("aes-card"));
    }

    @Test
    void autoReplicasTakeAsFewInstancesAsCarryTheRate() {
        final Admission admission = admission();
        assertEquals(1, granted(admission.admit(encrypt(1, 300 * MIB, StageRequest.auto("aes-card"))))
            .stages().get(1).assignments().size());
        assertEquals(2, granted(admission.admit(encrypt(2, 400 * MIB, StageRequest.auto("aes-card"))))
            .stages().get(1).assignments().size());
    }

    @Test
    void refusalSaysRequestedInUseAndLimitPerKind() {
        final Admission admission = admission();
        granted(admission.admit(encrypt(1, 600 * MIB, StageRequest.of("aes-card", 2))));
        final Decision.Refused no = refused(admission.admit(encrypt(2, 450 * MIB, StageRequest.of("aes-card", 3))));
        assertEquals(Decision.Reason.CAPACITY, no.reason());
        assertEquals("flow 2 refused: aes-card: requested 450 MiB/s, in use 600 MiB/s, limit 900 MiB/s", no.message());
        assertEquals(1, no.shortfalls().size());
        assertTrue(admission.lease(2).isEmpty());
        assertEquals(600 * MIB, admission.inUseBytesPerSecond("aes-card"), "a refusal holds nothing");
    }

    @Test
    void neverLeasesAnInstancePastItsRateEvenWhenTheKindHasRoomInTotal() {
        final Admission admission = admission();
        // 200 MiB/s on each card: 300 MiB/s free in total, but no card has 150 MiB/s free.
        for (int flow = 1; flow <= 3; flow++) {
            granted(admission.admit(encrypt(flow, 200 * MIB, StageRequest.of("aes-card"))));
        }
        final Decision.Refused no = refused(admission.admit(encrypt(4, 150 * MIB, StageRequest.of("aes-card"))));
        assertEquals("flow 4 refused: aes-card: requested 150 MiB/s, in use 600 MiB/s, limit 900 MiB/s, but it needs"
            + " 1 instance with 150 MiB/s free and 0 of 3 have it", no.message());
        // Split over two cards it fits: 75 MiB/s on each.
        granted(admission.admit(encrypt(4, 150 * MIB, StageRequest.of("aes-card", 2))));
    }

    @Test
    void statefulStagesArePinnedOneFlowPerInstanceAndSpread() {
        final Admission admission = admission();
        final Lease a = granted(admission.admit(FlowRequest.of(1, "web", 10 * MIB, StageRequest.of("gzip"))));
        final Lease b = granted(admission.admit(FlowRequest.of(2, "web", 10 * MIB, StageRequest.of("gzip"))));
        assertTrue(a.stages().get(0).pinned());
        assertNotEquals(a.instances(), b.instances(), "different flows on different instances");
        final Decision.Refused no = refused(admission.admit(FlowRequest.of(3, "web", 10 * MIB,
            StageRequest.of("gzip"))));
        assertEquals("flow 3 refused: gzip: requested 10 MiB/s, in use 20 MiB/s, limit 200 MiB/s, but it needs"
            + " 1 instance and 0 of 2 are free (stateful: one flow per instance)", no.message());
        admission.release(1);
        assertEquals(a.instances(), granted(admission.admit(FlowRequest.of(3, "web", 10 * MIB,
            StageRequest.of("gzip")))).instances());
    }

    @Test
    void aRedirectLeasesASpareInstanceThatNoOtherFlowGetsUntilTheFlowEnds() {
        final Admission admission = admission();
        final Lease a = granted(admission.admit(FlowRequest.of(1, "web", 10 * MIB, StageRequest.of("gzip"))));
        final Admission.SpareLease spare = admission.leaseSpare(1, 0);
        assertTrue(spare.granted(), spare.refusal());
        assertFalse(a.instances().contains(spare.instance()), "another instance than the one that failed");
        assertEquals(2, spare.lease().stages().get(0).assignments().size());
        assertEquals(spare.lease(), admission.lease(1).orElseThrow());
        assertEquals(1, admission.leaseCount(spare.instance()));
        assertEquals(20 * MIB, admission.inUseBytesPerSecond("gzip"), "the spare carries the failed one's rate");
        // Both instances are the redirected flow's now: a new flow is refused rather than put beside it.
        refused(admission.admit(FlowRequest.of(2, "web", 10 * MIB, StageRequest.of("gzip"))));
        assertEquals(2, admission.release(1).orElseThrow().instances().size());
        assertEquals(0, admission.leaseCount(spare.instance()));
        assertEquals(0, admission.inUseBytesPerSecond("gzip"));
        granted(admission.admit(FlowRequest.of(2, "web", 10 * MIB, StageRequest.of("gzip"))));
    }

    @Test
    void anInstanceWhoseActorDiedLeavesEveryLeaseAndItsFlowsRedirectElsewhere() {
        final Admission admission = admission();
        final Lease a = granted(admission.admit(FlowRequest.of(1, "web", 10 * MIB, StageRequest.of("gzip"))));
        final InstanceId dead = a.instances().get(0);
        assertEquals(List.of(1L), admission.releaseInstance(dead));
        assertEquals(0, admission.leaseCount(dead));
        assertEquals(0, admission.inUseBytesPerSecond("gzip"));
        assertTrue(admission.lease(1).orElseThrow().instances().isEmpty(), "the flow no longer holds it");
        final Admission.SpareLease spare = admission.leaseSpare(1, 0);
        assertTrue(spare.granted(), spare.refusal());
        assertNotEquals(dead, spare.instance(), "a redirect never goes back to the instance it lost");
        assertEquals(10 * MIB, admission.inUseBytesPerSecond("gzip"), "the spare carries the flow's rate");
        // The restarted instance is back in the pool for every other flow.
        assertEquals(List.of(dead), granted(admission.admit(FlowRequest.of(2, "web", 10 * MIB,
            StageRequest.of("gzip")))).instances());
        assertEquals(List.of(spare.instance()), admission.release(1).orElseThrow().instances());
        assertEquals(List.of(), admission.releaseInstance(spare.instance()), "nobody holds it any more");
    }

    @Test
    void aRedirectWithNoSpareInstanceLeftIsRefusedAndTheLeaseStaysAsItWas() {
        final Admission admission = admission();
        final Lease a = granted(admission.admit(FlowRequest.of(1, "web", 10 * MIB, StageRequest.of("gzip"))));
        granted(admission.admit(FlowRequest.of(2, "web", 10 * MIB, StageRequest.of("gzip"))));
        final Admission.SpareLease spare = admission.leaseSpare(1, 0);
        assertFalse(spare.granted());
        assertEquals("no instance of gzip beyond the 1 the stage holds takes another lease with 10 MiB/s free"
            + " (2 in the pool, 1 lease(s) each)", spare.refusal());
        assertEquals(a, admission.lease(1).orElseThrow());
        assertEquals(20 * MIB, admission.inUseBytesPerSecond("gzip"));
        assertFalse(admission.leaseSpare(9, 0).granted(), "a flow without a lease gets no spare");
    }

    @Test
    void statefulStageWithReplicasIsInvalid() {
        final Decision.Refused no = refused(admission().admit(FlowRequest.of(1, "web", 0, StageRequest.of("gzip", 2))));
        assertEquals(Decision.Reason.INVALID, no.reason());
        assertEquals("flow 1 refused: stage 0 'gzip' is stateful and runs on one instance per flow; ask for replicas 1",
            no.message());
    }

    @Test
    void statefulStageAskingForAutoGetsOneInstance() {
        final Lease lease = granted(admission().admit(FlowRequest.of(1, "web", 50 * MIB, StageRequest.auto("gzip"))));
        assertEquals(1, lease.stages().get(0).assignments().size());
        assertTrue(lease.stages().get(0).pinned());
    }

    @Test
    void aStageFasterThanOneInstanceCanGoIsRefusedWithThePart() {
        final Decision.Refused no = refused(admission().admit(FlowRequest.of(1, "web", 150 * MIB,
            StageRequest.of("gzip"))));
        assertEquals("flow 1 refused: gzip: requested 150 MiB/s, in use 0 B/s, limit 200 MiB/s, but it needs"
            + " 1 instance with 150 MiB/s free and 0 of 2 have it", no.message());
    }

    @Test
    void statelessStagesSpreadOverInstances() {
        final Admission admission = admission();
        final Set<InstanceId> used = new HashSet<>();
        for (int flow = 1; flow <= 3; flow++) {
            used.addAll(granted(admission.admit(FlowRequest.of(flow, "web", 10 * MIB,
                StageRequest.of("aes-card")))).instances());
        }
        assertEquals(3, used.size());
    }

    @Test
    void leaseCountLimitsAStatelessInstanceToo() {
        final Admission admission = new Admission(DevicePool.of(new DeviceCapacity("x", 1, 1000, false, 2)),
            Grants.unrestricted());
        granted(admission.admit(FlowRequest.of(1, "p", 0, StageRequest.of("x"))));
        granted(admission.admit(FlowRequest.of(2, "p", 0, StageRequest.of("x"))));
        assertTrue(refused(admission.admit(FlowRequest.of(3, "p", 0, StageRequest.of("x")))).message()
            .contains("but it needs 1 instance and 0 of 1 are free"));
    }

    @Test
    void zeroCapacityTakesNoRateAndNoInstancesTakeNothing() {
        final Admission admission = admission();
        assertEquals("flow 1 refused: off: requested 1 MiB/s, in use 0 B/s, limit 0 B/s",
            refused(admission.admit(FlowRequest.of(1, "web", MIB, StageRequest.of("off")))).message());
        granted(admission.admit(FlowRequest.of(2, "web", 0, StageRequest.of("off"))));
        assertEquals(Decision.Reason.CAPACITY,
            refused(admission.admit(FlowRequest.of(3, "web", 0, StageRequest.of("none")))).reason());
    }

    @Test
    void everyShortKindIsInTheOneSentence() {
        final Admission admission = admission();
        final Decision.Refused no = refused(admission.admit(FlowRequest.of(1, "web", 1024 * MIB,
            StageRequest.of("aes-card", 3), StageRequest.of("gzip"))));
        assertEquals("flow 1 refused: aes-card: requested 1 GiB/s, in use 0 B/s, limit 900 MiB/s; "
            + "gzip: requested 1 GiB/s, in use 0 B/s, limit 200 MiB/s", no.message());
        assertEquals(List.of("aes-card", "gzip"), no.shortfalls().stream().map(Shortfall::kind).toList());
    }

    @Test
    void unknownKindIsRefusedNamingTheKnownOnes() {
        final Decision.Refused no = refused(admission().admit(FlowRequest.of(1, "web", 0, StageRequest.of("qat"))));
        assertEquals(Decision.Reason.UNKNOWN_KIND, no.reason());
        assertEquals("flow 1 refused: the device pool has no kind 'qat'; known kinds: aes-card, file-sink, "
            + "file-source, gzip, none, off", no.message());
    }

    @Test
    void duplicateFlowIdIsRefusedAndTheFirstLeaseStays() {
        final Admission admission = admission();
        final Lease first = granted(admission.admit(FlowRequest.of(1, "web", MIB, StageRequest.of("aes-card"))));
        final Decision.Refused no = refused(admission.admit(FlowRequest.of(1, "web", MIB, StageRequest.of("aes-card"))));
        assertEquals(Decision.Reason.DUPLICATE_FLOW, no.reason());
        assertEquals("flow 1 refused: flow 1 already holds a lease; release it first", no.message());
        assertEquals(first, admission.lease(1).orElseThrow());
        assertEquals(MIB, admission.inUseBytesPerSecond("aes-card"));
    }

    @Test
    void releaseIsIdempotentAndOfUnknownFlowsHarmless() {
        final Admission admission = admission();
        granted(admission.admit(encrypt(1, 300 * MIB, StageRequest.of("aes-card"))));
        assertTrue(admission.release(1).isPresent());
        assertTrue(admission.release(1).isEmpty());
        assertTrue(admission.release(42).isEmpty());
        assertEquals(0, admission.inUseBytesPerSecond("aes-card"));
        assertTrue(admission.leases().isEmpty());
    }

    @Test
    void allInstancesBusy() {
        final Admission admission = admission();
        granted(admission.admit(encrypt(1, 900 * MIB, StageRequest.of("aes-card", 3))));
        assertTrue(admission.freeInstances().get("aes-card").isEmpty());
        final Decision.Refused no = refused(admission.admit(encrypt(2, MIB, StageRequest.auto("aes-card"))));
        assertEquals("flow 2 refused: aes-card: requested 1 MiB/s, in use 900 MiB/s, limit 900 MiB/s", no.message());
    }

    @Test
    void grantsAreCheckedFirstAndNamed() {
        final Grants grants = Grants.of(new Grant("web", Set.of("file-source", "aes-card", "file-sink"), 4, 512 * MIB));
        final Admission admission = new Admission(pool(), grants);
        assertEquals("flow 1 refused: principal 'batch' has no grant; add flowswitch.grants.batch { devices = [...], "
                + "max-instances = N, max-rate-bytes-per-second = SIZE }",
            refused(admission.admit(FlowRequest.of(1, "batch", 0, StageRequest.of("aes-card")))).message());
        assertEquals("flow 2 refused: grant flowswitch.grants.web does not include device kinds 'gzip', 'qat'; add them"
                + " to flowswitch.grants.web.devices",
            refused(admission.admit(FlowRequest.of(2, "web", 0, StageRequest.of("gzip"), StageRequest.of("qat"))))
                .message());
        assertEquals("flow 3 refused: requested 1 GiB/s, but grant flowswitch.grants.web allows at most 512 MiB/s per flow",
            refused(admission.admit(encrypt(3, 1024 * MIB, StageRequest.of("aes-card")))).message());
        final Decision.Refused tooMany = refused(admission.admit(encrypt(4, MIB, StageRequest.of("aes-card", 3))));
        assertEquals(Decision.Reason.GRANT, tooMany.reason());
        assertEquals("flow 4 refused: it needs 5 device instances, but grant flowswitch.grants.web allows at most 4 per"
            + " flow", tooMany.message());
        assertTrue(admission.leases().isEmpty());
    }

    @Test
    void autoReplicasStopAtTheGrant() {
        final Grants grants = Grants.of(new Grant("web", Set.of("*"), 3, 1024 * MIB));
        final Admission admission = new Admission(pool(), grants);
        // Needs 2 cards for 450 MiB/s, but source + sink leave the grant room for one.
        assertEquals(Decision.Reason.CAPACITY,
            refused(admission.admit(encrypt(1, 450 * MIB, StageRequest.auto("aes-card")))).reason());
        granted(admission.admit(encrypt(2, 300 * MIB, StageRequest.auto("aes-card"))));
    }

    @Test
    void admitsOnAPlannersPlacement() {
        final Admission admission = admission();
        final List<StageRequest> stages = List.of(StageRequest.of("file-source"), StageRequest.auto("aes-card"),
            StageRequest.of("file-sink"));
        final Placement placement = Planner.plan(stages, admission.pool(), admission.freeInstances(), 0);
        final FlowRequest request = new FlowRequest(1, "web", stages, placement.peakBytesPerSecond(), 1);
        final Lease lease = granted(admission.admit(request, placement));
        assertEquals(placement.stage(1).instances(), lease.stages().get(1).instances());
        assertEquals(900 * MIB, admission.inUseBytesPerSecond("aes-card"));
    }

    @Test
    void replaceKeepsTheOldLeaseWhenTheNewPlacementDoesNotFit() {
        final Admission admission = admission();
        final List<StageRequest> stages = List.of(StageRequest.of("aes-card", 2));
        final FlowRequest request = new FlowRequest(1, "web", stages, 400 * MIB, 1);
        final Lease before = granted(admission.admit(request));
        granted(admission.admit(FlowRequest.of(2, "web", 300 * MIB, StageRequest.of("aes-card"))));
        final InstanceId busy = admission.lease(2).orElseThrow().instances().get(0);
        final Placement onBusy = new Placement(List.of(new StagePlacement(0, "aes-card",
            List.of(busy, before.instances().get(0)), 0, false, false)), 0, 0, List.of(300 * MIB));
        refused(admission.replace(request, onBusy));
        assertEquals(before, admission.lease(1).orElseThrow());
        assertEquals(700 * MIB, admission.inUseBytesPerSecond("aes-card"));
    }

    @Test
    void ratesDroppingBelowLeasesKeepTheLeasesButRefuseNewOnes() {
        final Admission admission = admission();
        granted(admission.admit(FlowRequest.of(1, "web", 300 * MIB, StageRequest.of("aes-card", 3))));
        admission.updatePool(admission.pool().withRate("aes-card", 50 * MIB));
        assertTrue(admission.lease(1).isPresent());
        refused(admission.admit(FlowRequest.of(2, "web", MIB, StageRequest.of("aes-card"))));
    }
}
