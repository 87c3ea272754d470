package io.flowswitch.scheduler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Places a flow's stages on device instances and replicates its slow stages.
 *
 * <p>The model: a stage on {@code n} instances of a kind whose (measured) per-instance rate is {@code r}
 * is expected to run at {@code n × r}; a flow's peak is its slowest stage. A stateful stage runs on exactly
 * one instance. A stage with {@code replicas auto} starts on one instance; while the flow's bottleneck is
 * such a stage (or several, tied), it gets the smallest number of instances that makes it no longer the
 * bottleneck, that is {@code ceil(T / r)} where {@code T} is the next slowest stage's rate (or the flow's
 * target rate, if lower), or every free instance of its kind when that is not enough or nothing else
 * limits the flow. A flow already at its target rate is not replicated further.
 *
 * <p>Re-planning ({@link #replan}) keeps every pinned (stateful) stage on its instance, keeps a fixed
 * stage's instances, and grows auto stages from the instances they had before any other, so a re-plan
 * moves as little as it can.
 *
 * <p>Instances are taken from {@code free} (per kind, in order; e.g. {@link Admission#freeInstances()}),
 * never two stages on one instance. Expected rates use the kind's whole per-instance rate; what other
 * flows reserve on a shared instance is admission's concern. Stateless and thread-safe.
 */
public final class Planner {
    private Planner() {
    }

    /**
     * Plans a new flow.
     *
     * @param stages the flow's stages, in order
     * @param pool per-kind instance counts and (measured) rates
     * @param free per kind, the instances the flow may use, in order of preference
     * @param targetBytesPerSecond the flow's requested rate: no replication beyond it; 0 for as fast as
     *     the instances allow
     * @throws SchedulerException {@code UNKNOWN_KIND} when a stage names a kind the pool does not have
     */
    public static Placement plan(List<StageRequest> stages, DevicePool pool, Map<String, List<InstanceId>> free,
        long targetBytesPerSecond) {
        return place(stages, null, pool, free, targetBytesPerSecond);
    }

    /**
     * Re-plans a running flow after rates changed: pinned stages stay where they are, fixed stages keep
     * their instances, auto stages are sized again from the instances they held and then {@code free} ones.
     *
     * @param previous the flow's current placement, for the same {@code stages}
     * @param free instances other than the flow's own that it may take as well
     */
    public static Placement replan(Placement previous, List<StageRequest> stages, DevicePool pool,
        Map<String, List<InstanceId>> free, long targetBytesPerSecond) {
        if (previous.stages().size() != stages.size()) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "a re-plan needs the flow's "
                + previous.stages().size() + " stages, got " + stages.size());
        }
        return place(stages, previous, pool, free, targetBytesPerSecond);
    }

    private static Placement place(List<StageRequest> stages, Placement previous, DevicePool pool,
        Map<String, List<InstanceId>> free, long targetBytesPerSecond) {
        if (targetBytesPerSecond < 0) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                "target rate must be >= 0 B/s, got " + targetBytesPerSecond);
        }
        if (stages.isEmpty()) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "a flow to plan needs at least one stage");
        }
        final int count = stages.size();
        final DeviceCapacity[] capacities = new DeviceCapacity[count];
        final List<List<InstanceId>> assigned = new ArrayList<>();
        final Set<InstanceId> taken = new HashSet<>();
        for (int i = 0; i < count; i++) {
            capacities[i] = pool.require(stages.get(i).kind());
            assigned.add(new ArrayList<>());
        }
        // Pinned stages first, so that nothing else takes their instance in a re-plan.
        for (int i = 0; i < count; i++) {
            if (previous != null && capacities[i].stateful()) {
                final List<InstanceId> before = valid(previous.stage(i).instances(), capacities[i]);
                if (!before.isEmpty()) {
                    assigned.get(i).add(before.get(0));
                    taken.add(before.get(0));
                }
            }
        }
        for (int i = 0; i < count; i++) {
            final StageRequest stage = stages.get(i);
            if (!assigned.get(i).isEmpty()) {
                continue;
            }
            final int wanted = capacities[i].stateful() || stage.isAuto() ? 1 : stage.replicas();
            take(assigned.get(i), wanted, options(i, stages, previous, free, capacities[i], taken), taken);
        }
        // Replicate while the bottleneck is made of auto stages that can still grow.
        while (true) {
            final long peak = peak(assigned, capacities);
            if (targetBytesPerSecond > 0 && peak >= targetBytesPerSecond) {
                break;
            }
            final List<Integer> slowest = new ArrayList<>();
            long next = targetBytesPerSecond > 0 ? targetBytesPerSecond : Long.MAX_VALUE;
            for (int i = 0; i < count; i++) {
                final long rate = rate(assigned.get(i), capacities[i]);
                if (rate == peak) {
                    slowest.add(i);
                } else {
                    next = Math.min(next, rate);
                }
            }
            boolean growable = !slowest.isEmpty();
            for (int i : slowest) {
                growable &= stages.get(i).isAuto() && !capacities[i].stateful()
                    && capacities[i].rateBytesPerSecond() > 0 && !assigned.get(i).isEmpty()
                    && !options(i, stages, previous, free, capacities[i], taken).isEmpty();
            }
            if (!growable) {
                break;
            }
            for (int i : slowest) {
                final long perInstance = capacities[i].rateBytesPerSecond();
                // Enough instances to reach the next slowest stage (or the target); all free ones if unbounded.
                final long needed = next == Long.MAX_VALUE ? Integer.MAX_VALUE : (next + perInstance - 1) / perInstance;
                final int more = (int) Math.min(Integer.MAX_VALUE, needed - assigned.get(i).size());
                take(assigned.get(i), Math.max(1, more), options(i, stages, previous, free, capacities[i], taken), taken);
            }
        }
        final List<StagePlacement> placed = new ArrayList<>();
        final List<Long> rates = new ArrayList<>();
        long peak = Long.MAX_VALUE;
        int bottleneck = 0;
        for (int i = 0; i < count; i++) {
            final long rate = rate(assigned.get(i), capacities[i]);
            placed.add(new StagePlacement(i, capacities[i].kind(), assigned.get(i), rate, capacities[i].stateful(),
                stages.get(i).isAuto()));
            rates.add(capacities[i].rateBytesPerSecond());
            if (rate < peak) {
                peak = rate;
                bottleneck = i;
            }
        }
        return new Placement(placed, peak, bottleneck, rates);
    }

    /** Instances stage i may still take: its own previous ones first, then the free ones of its kind. */
    private static List<InstanceId> options(int i, List<StageRequest> stages, Placement previous,
        Map<String, List<InstanceId>> free, DeviceCapacity capacity, Set<InstanceId> taken) {
        final Set<InstanceId> options = new LinkedHashSet<>();
        if (previous != null) {
            options.addAll(valid(previous.stage(i).instances(), capacity));
            // Instances other stages of the same kind held before are the flow's too.
            for (int j = 0; j < stages.size(); j++) {
                if (previous.stage(j).kind().equals(capacity.kind())) {
                    options.addAll(valid(previous.stage(j).instances(), capacity));
                }
            }
        }
        options.addAll(valid(free.getOrDefault(capacity.kind(), List.of()), capacity));
        options.removeAll(taken);
        return new ArrayList<>(options);
    }

    private static List<InstanceId> valid(List<InstanceId> instances, DeviceCapacity capacity) {
        return instances.stream()
            .filter(id -> id.kind().equals(capacity.kind()) && id.index() < capacity.instances())
            .toList();
    }

    private static void take(List<InstanceId> into, int wanted, List<InstanceId> options, Set<InstanceId> taken) {
        for (int k = 0; k < wanted && k < options.size(); k++) {
            into.add(options.get(k));
            taken.add(options.get(k));
        }
    }

    private static long rate(List<InstanceId> instances, DeviceCapacity capacity) {
        return DeviceCapacity.multiplySaturated(capacity.rateBytesPerSecond(), instances.size());
    }

    private static long peak(List<List<InstanceId>> assigned, DeviceCapacity[] capacities) {
        long peak = Long.MAX_VALUE;
        for (int i = 0; i < capacities.length; i++) {
            peak = Math.min(peak, rate(assigned.get(i), capacities[i]));
        }
        return peak;
    }
}
