package io.flowswitch.scheduler;

import java.util.List;

/**
 * The instances one stage of a flow holds: one per replica, the stage's rate split over them.
 * Immutable.
 *
 * @param stage index of the stage in the flow request
 * @param kind the stage's device kind
 * @param pinned the kind is stateful: the stage holds exactly one instance, for the flow's whole life
 * @param assignments one per replica, by instance
 */
public record StageLease(int stage, String kind, boolean pinned, List<Assignment> assignments) {
    public StageLease {
        assignments = List.copyOf(assignments);
    }

    public List<InstanceId> instances() {
        return assignments.stream().map(Assignment::instance).toList();
    }

    public long bytesPerSecond() {
        return assignments.stream().mapToLong(Assignment::bytesPerSecond).sum();
    }
}
