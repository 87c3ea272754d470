package io.flowswitch.actors;

import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.ladder.LadderCheck;
import io.flowswitch.scheduler.DeviceCapacity;
import io.flowswitch.scheduler.DevicePool;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a ladder's check that only the node can make: a {@code redirect instance} needs another
 * instance of the stage's kind in the node's pool, beyond those the stage's replicas take. Stateless.
 */
final class LadderInstances {
    private LadderInstances() {
    }

    /** Every stage whose ladder asks for more instances than the pool has, one sentence each. */
    static List<String> problems(FlowSpec spec, DevicePool pool) {
        final List<String> problems = new ArrayList<>();
        for (int i = 0; i < spec.stages().size(); i++) {
            final StageSpec stage = spec.stages().get(i);
            final Ladder ladder = stage.ladder();
            final int needed = LadderInstances.needed(stage);
            final int instances = pool.find(stage.kind()).map(DeviceCapacity::instances).orElse(0);
            if (needed > stage.replicas() && needed > instances) {
                problems.add("stage " + (i + 1) + " (" + stage.kind() + "): its ladder ('" + ladder.text()
                    + "') may need " + needed + " instances of " + stage.kind() + " and this node has " + instances
                    + "; remove 'redirect instance' or add instances under flowswitch.node.instances");
            }
        }
        return problems;
    }

    private static int needed(StageSpec stage) {
        return LadderCheck.instancesNeeded(stage.replicas(), stage.ladder());
    }
}
