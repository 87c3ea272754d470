package io.flowswitch.scheduler;

/**
 * One stage of a flow as the scheduler sees it: a device kind and how many replicas, or {@link #AUTO}
 * for as many as the flow's rate needs (admission) or as make the stage no longer the bottleneck
 * (planning). Parameters do not matter to the scheduler and are not carried. Immutable.
 *
 * @param kind device kind name
 * @param replicas 1 or more; {@link #AUTO} (0) for {@code replicas auto}
 */
public record StageRequest(String kind, int replicas) {
    /** {@code replicas auto}. */
    public static final int AUTO = 0;

    public StageRequest {
        if (kind == null || kind.isEmpty()) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "a stage needs a device kind");
        }
        if (replicas < 0) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                "replicas of '" + kind + "' must be >= 1, or AUTO (0), got " + replicas);
        }
    }

    /** One instance of {@code kind}. */
    public static StageRequest of(String kind) {
        return new StageRequest(kind, 1);
    }

    public static StageRequest of(String kind, int replicas) {
        return new StageRequest(kind, replicas);
    }

    /** {@code kind replicas auto}. */
    public static StageRequest auto(String kind) {
        return new StageRequest(kind, AUTO);
    }

    public boolean isAuto() {
        return replicas == AUTO;
    }

    @Override
    public String toString() {
        return kind + (isAuto() ? " replicas auto" : replicas > 1 ? " replicas " + replicas : "");
    }
}
