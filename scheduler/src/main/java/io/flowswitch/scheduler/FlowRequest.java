package io.flowswitch.scheduler;

import java.util.List;

/**
 * A flow asking for leases: who asks, which stages, how fast, and how much it weighs against other flows
 * on the same devices. Every stage carries the flow's whole rate (replicas of a stage split it). Immutable.
 *
 * @param flowId the flow's id, unique among live leases
 * @param principal who the flow runs as; its grant is checked first
 * @param stages the flow's device stages, in order; at least one
 * @param requestedBytesPerSecond the rate to reserve on every stage; 0 reserves instances but no rate
 * @param weight the flow's priority in fair sharing, &gt;= 1 (3 gets three times the share of 1)
 */
public record FlowRequest(long flowId, String principal, List<StageRequest> stages, long requestedBytesPerSecond,
    int weight) {

    public FlowRequest {
        if (principal == null || principal.isEmpty()) {
            throw bad("flow " + flowId + " needs a principal");
        }
        if (stages == null || stages.isEmpty()) {
            throw bad("flow " + flowId + " needs at least one stage");
        }
        stages = List.copyOf(stages);
        if (requestedBytesPerSecond < 0) {
            throw bad("flow " + flowId + ": requested rate must be >= 0 B/s, got " + requestedBytesPerSecond);
        }
        if (weight < 1) {
            throw bad("flow " + flowId + ": weight must be >= 1, got " + weight);
        }
    }

    /** Weight 1. */
    public static FlowRequest of(long flowId, String principal, long requestedBytesPerSecond,
        StageRequest... stages) {
        return new FlowRequest(flowId, principal, List.of(stages), requestedBytesPerSecond, 1);
    }

    public FlowRequest withWeight(int value) {
        return new FlowRequest(flowId, principal, stages, requestedBytesPerSecond, value);
    }

    private static SchedulerException bad(String message) {
        return new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, message);
    }
}
