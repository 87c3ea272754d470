package io.flowswitch.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides when a measured rate has moved far enough from the rate a plan was made with that running flows
 * should be re-planned: when {@code |measured − planned| > margin × planned} (and, from a planned rate of
 * 0, when anything is measured). A margin keeps flows from being re-planned on every wobble. Immutable.
 *
 * @param margin fraction of the planned rate, e.g. 0.2 for 20%; &gt;= 0
 */
public record RateChange(double margin) {
    /** 20%: well above the noise of a moving average over chunk-sized samples. */
    public static final RateChange DEFAULT = new RateChange(0.2);

    public RateChange {
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                "a rate-change margin must be a finite fraction >= 0, got " + margin);
        }
    }

    /** Whether {@code measuredBytesPerSecond} moved more than the margin from {@code plannedBytesPerSecond}. */
    public boolean significant(double plannedBytesPerSecond, double measuredBytesPerSecond) {
        return Math.abs(measuredBytesPerSecond - plannedBytesPerSecond) > margin * plannedBytesPerSecond;
    }

    /**
     * The kinds whose per-instance rate in {@code measured} moved significantly from {@code planned}, by
     * name; kinds in only one of the pools are left out.
     */
    public List<String> changedKinds(DevicePool planned, DevicePool measured) {
        final List<String> changed = new ArrayList<>();
        for (DeviceCapacity before : planned.kinds()) {
            measured.find(before.kind())
                .filter(now -> significant(before.rateBytesPerSecond(), now.rateBytesPerSecond()))
                .ifPresent(now -> changed.add(now.kind()));
        }
        return changed;
    }
}
