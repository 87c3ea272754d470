package io.flowswitch.scheduler;

import java.util.List;

/**
 * What a granted flow holds until it is released: per stage, the instances and the rate reserved on
 * each. Immutable; the {@link Admission} ledger that issued it is the only place it counts.
 */
public record Lease(long flowId, String principal, long bytesPerSecond, int weight, List<StageLease> stages) {
    public Lease {
        stages = List.copyOf(stages);
    }

    /** Every assignment of every stage. */
    public List<Assignment> assignments() {
        return stages.stream().flatMap(s -> s.assignments().stream()).toList();
    }

    /** Every instance held, stage by stage. */
    public List<InstanceId> instances() {
        return assignments().stream().map(Assignment::instance).toList();
    }
}
