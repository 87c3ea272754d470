package io.flowswitch.scheduler;

import java.util.List;

/**
 * Where one stage of a flow runs and how fast it is expected to go. Immutable.
 *
 * @param stage index of the stage in the flow
 * @param kind the stage's device kind
 * @param instances the instances assigned, one per replica; empty when none was free
 * @param expectedBytesPerSecond the kind's per-instance rate × the instances assigned
 * @param pinned the kind is stateful: exactly one instance, kept when the flow is re-planned
 * @param auto the stage asked for {@code replicas auto}
 */
public record StagePlacement(int stage, String kind, List<InstanceId> instances, long expectedBytesPerSecond,
    boolean pinned, boolean auto) {
    public StagePlacement {
        instances = List.copyOf(instances);
    }

    public int replicas() {
        return instances.size();
    }
}
