package io.flowswitch.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How many replicas each stage of a placed flow is compiled with, so that a re-plan can grow it while it
 * runs: a {@code replicas auto} stage of a stateless kind gets a ceiling above what the plan runs now, every
 * other stage exactly its placement. The running flow then parks the replicas past its plan and unparks them
 * when a re-plan asks for more; it can never grow past its ceiling, since its devices exist from compiling on.
 *
 * <p>A stage's ceiling is the smallest of: the kind's instances in the pool (a re-plan places one replica
 * per instance); what the principal's grant leaves it ({@code max-instances} less every other stage's
 * placed instances); and {@link #MAX_CEILING}. Never below its placement. Stateless and thread-safe.
 */
public final class ReplicaCeilings {
    /**
     * The most replicas one stage is compiled with. A replica that never runs still costs a device, an idle
     * stream stage and an input of the merge behind the replicas, which looks at each of its inputs for
     * every chunk; sixteen replicas of a modelled accelerator are more than any pool here has, and far more
     * than two cores can feed with a CPU-bound device.
     */
    public static final int MAX_CEILING = 16;

    private ReplicaCeilings() {
    }

    /**
     * Each stage's ceiling, in {@code placement}'s stage order.
     *
     * @param maxCeiling the most replicas one stage gets, at most {@link #MAX_CEILING}; 1 (or less) compiles
     *     every stage as placed, and a running flow then never grows past its plan
     * @param grant the flow's principal's grant; empty when it has none (then the placement only)
     */
    public static List<Integer> of(Placement placement, DevicePool pool, Optional<Grant> grant, int maxCeiling) {
        final List<Integer> ceilings = new ArrayList<>();
        long placed = 0;
        for (StagePlacement stage : placement.stages()) {
            placed += stage.replicas();
        }
        final int most = Math.min(MAX_CEILING, maxCeiling);
        for (StagePlacement stage : placement.stages()) {
            final Optional<DeviceCapacity> capacity = pool.find(stage.kind());
            if (!stage.auto() || stage.pinned() || grant.isEmpty() || capacity.isEmpty() || capacity.get().stateful()) {
                ceilings.add(stage.replicas());
                continue;
            }
            final long grantLeft = grant.get().maxInstances() - (placed - stage.replicas());
            final long ceiling = Math.min(Math.min(capacity.get().instances(), most), grantLeft);
            ceilings.add((int) Math.max(stage.replicas(), ceiling));
        }
        return List.copyOf(ceilings);
    }
}
