package io.flowswitch.scheduler;

import java.util.List;

/**
 * A flow's plan: per stage, the instances assigned and the expected rate; the flow's expected peak (its
 * slowest stage) and which stage that is. Immutable; made by {@link Planner}, carried out by the caller
 * (leases through {@link Admission#admit(FlowRequest, Placement)}).
 *
 * @param stages one per stage of the flow, in order
 * @param peakBytesPerSecond the slowest stage's expected rate: what the flow can do end to end
 * @param bottleneckStage index of the slowest stage (the first, on a tie)
 * @param ratesBytesPerSecond the per-instance rate of each kind the plan was made with, in stage order,
 *     so a later measurement can be compared ({@link RateChange})
 */
public record Placement(List<StagePlacement> stages, long peakBytesPerSecond, int bottleneckStage,
    List<Long> ratesBytesPerSecond) {
    public Placement {
        stages = List.copyOf(stages);
        ratesBytesPerSecond = List.copyOf(ratesBytesPerSecond);
    }

    /** Whether every stage has at least one instance. */
    public boolean placed() {
        return stages.stream().noneMatch(s -> s.instances().isEmpty());
    }

    public StagePlacement stage(int index) {
        return stages.get(index);
    }

    /** One line per stage, e.g. {@code 1 aes-card x3 [aes-card#0, aes-card#1, aes-card#2] 900 MiB/s}. */
    public String describe() {
        final StringBuilder out = new StringBuilder();
        for (StagePlacement stage : stages) {
            out.append(stage.stage()).append(' ').append(stage.kind())
                .append(stage.replicas() > 1 ? " x" + stage.replicas() : "")
                .append(' ').append(stage.instances())
                .append(' ').append(Rates.format(stage.expectedBytesPerSecond()))
                .append(stage.pinned() ? " pinned" : "")
                .append(stage.stage() == bottleneckStage ? " <- bottleneck" : "")
                .append('\n');
        }
        return out.append("peak ").append(Rates.format(peakBytesPerSecond)).append('\n').toString();
    }
}
