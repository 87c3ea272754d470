package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.scheduler.InstanceId;
import io.flowswitch.scheduler.Placement;
import io.flowswitch.scheduler.StagePlacement;
import io.flowswitch.scheduler.StageRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ledger numbers a tee's branch sink and a pass stage's device as stages; the flow does not. */
class LedgerStagesTest {
    private static final Path IN = Path.of("in.bin");
    private static final Path OUT = Path.of("out.bin");

    @Test
    void stagesAfterATeeOrAPassStageAreNumberedPastTheDevicesTheyHold() {
        final LedgerStages stages = LedgerStages.of(1, Flows.from(Devices.file(IN))
            .via(Devices.tee(Devices.sha256Sink()))
            .via(Devices.pass(Devices.rateLimit(100 << 20, 0), 0, 12))
            .via(Devices.sha256())
            .to(Devices.fileSink(OUT)).build());
        assertEquals(List.of("file-source", "tee", "sha256-sink", "pass", "rate-limit", "sha256", "file-sink"),
            stages.request().stages().stream().map(StageRequest::kind).toList());
        final int[] ledger = {0, 1, 3, 5, 6};
        for (int flowStage = 0; flowStage < ledger.length; flowStage++) {
            assertEquals(ledger[flowStage], stages.ledgerStage(flowStage), "ledger stage of flow stage " + flowStage);
            assertEquals(flowStage, stages.flowStage(ledger[flowStage]), "flow stage of ledger stage " + ledger[flowStage]);
        }
        assertEquals(-1, stages.flowStage(2), "the tee's branch sink serves no ladder of its own");
        assertEquals(-1, stages.flowStage(4), "the pass stage's device serves no ladder of its own");
        assertEquals(List.of(10, 11, 13, 15, 16), stages.byFlowStage(List.of(10, 11, 12, 13, 14, 15, 16)),
            "a re-plan's replica counts reach the flow's stages, not the branch sink's or the inner device's");
    }

    @Test
    void anAutoStageAfterATeeTakesTheReplicasPlacedForItNotForTheBranchSink() {
        final FlowSpec spec = Flows.from(Devices.file(IN)).via(Devices.tee(Devices.sha256Sink()))
            .via(Devices.sha256().withReplicas(StageRequest.AUTO)).to(Devices.fileSink(OUT)).build();
        final LedgerStages stages = LedgerStages.of(1, spec);
        final List<StagePlacement> placed = new ArrayList<>();
        final List<StageRequest> requests = stages.request().stages();
        for (int s = 0; s < requests.size(); s++) {
            final String kind = requests.get(s).kind();
            final int replicas = kind.equals("sha256") ? 3 : 1;
            final List<InstanceId> instances = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                instances.add(new InstanceId(kind, r));
            }
            placed.add(new StagePlacement(s, kind, instances, 1, false, requests.get(s).isAuto()));
        }
        final Placement placement = new Placement(placed, 1, 0, requests.stream().map(r -> 1L).toList());
        assertEquals(3, FlowManager.resolved(spec, placement, stages).stages().get(2).replicas());
    }
}
