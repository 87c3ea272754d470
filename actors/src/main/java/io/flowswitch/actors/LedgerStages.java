package io.flowswitch.actors;

import io.flowswitch.devices.pass.PassKind;
import io.flowswitch.devices.tee.TeeKind;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.scheduler.FlowRequest;
import io.flowswitch.scheduler.StageRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * How a flow's stages are numbered in the lease ledger. The ledger counts every device a flow holds, so a
 * tee's branch sink and the device a pass stage runs are stages of their own there, right after the stage
 * that holds them; the flow (its compiler, its ladders, its supervisor) numbers only the flow's own stages.
 * Every translation between the two goes through here. Immutable.
 */
final class LedgerStages {
    private final FlowRequest request;
    /** Per ledger stage, the flow stage it is, or -1 for a device a flow stage holds beside its own. */
    private final int[] flowStageOf;
    /** Per flow stage, its own ledger stage. */
    private final int[] ledgerStageOf;

    private LedgerStages(FlowRequest request, int[] flowStageOf, int[] ledgerStageOf) {
        this.request = request;
        this.flowStageOf = flowStageOf;
        this.ledgerStageOf = ledgerStageOf;
    }

    /** The ledger's view of flow {@code flowId}: its principal, its stages' kinds and replicas, rate, weight. */
    static LedgerStages of(long flowId, FlowSpec spec) {
        final List<StageRequest> stages = new ArrayList<>();
        final List<Integer> flowStages = new ArrayList<>();
        final int[] ledgerStageOf = new int[spec.stages().size()];
        for (int i = 0; i < spec.stages().size(); i++) {
            final StageSpec stage = spec.stages().get(i);
            ledgerStageOf[i] = stages.size();
            stages.add(new StageRequest(stage.kind(), stage.replicas()));
            flowStages.add(i);
            final String branch = stage.params().get(TeeKind.TO);
            if (stage.kind().equals(TeeKind.NAME) && branch != null) {
                // A tee holds its branch sink as well: that instance is leased and counted like any other.
                stages.add(new StageRequest(branch, 1));
                flowStages.add(-1);
            }
            final String inner = stage.params().get(PassKind.DEVICE);
            if (stage.kind().equals(PassKind.NAME) && inner != null) {
                // A pass stage runs the device it names: that device's instances are what the stage uses up.
                stages.add(new StageRequest(inner, stage.replicas()));
                flowStages.add(-1);
            }
        }
        return new LedgerStages(new FlowRequest(flowId, spec.principal(), stages, spec.policy().rateBytesPerSecond(),
            spec.policy().weight()), flowStages.stream().mapToInt(Integer::intValue).toArray(), ledgerStageOf);
    }

    FlowRequest request() {
        return request;
    }

    /** The ledger stage of flow stage {@code flowStage} itself (not of a device it holds beside). */
    int ledgerStage(int flowStage) {
        return ledgerStageOf[flowStage];
    }

    /**
     * {@code perLedgerStage} (one value per ledger stage, e.g. a placement's replica counts) as the flow
     * numbers its stages: the values of the devices a stage holds beside its own are left out.
     */
    List<Integer> byFlowStage(List<Integer> perLedgerStage) {
        final List<Integer> perFlowStage = new ArrayList<>(ledgerStageOf.length);
        for (int ledgerStage : ledgerStageOf) {
            perFlowStage.add(perLedgerStage.get(ledgerStage));
        }
        return perFlowStage;
    }

    /**
     * The flow stage that ledger stage {@code ledgerStage} is, or -1 when it is a device a flow stage holds
     * beside its own (a tee's branch sink, a pass stage's inner device): those serve no ladder.
     */
    int flowStage(int ledgerStage) {
        return flowStageOf[ledgerStage];
    }
}
