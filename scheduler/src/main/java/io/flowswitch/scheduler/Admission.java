package io.flowswitch.scheduler;

import com.typesafe.config.ConfigUtil;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The lease ledger: which flow holds which device instances at which rate. A flow is admitted only if its
 * principal's grant covers it and every stage finds instances with room; otherwise it is refused with one
 * sentence that says why (per device kind: requested, in use, limit).
 *
 * <p>Rules kept at all times: no instance carries more reserved rate than its kind's per-instance rate,
 * nor more leases than it takes (a stateful instance takes one: it stays pinned to that flow's stage);
 * the ledger's totals are the sums of its live leases. Different flows are spread over different
 * instances: a stage takes the instances with the most free rate, then the fewest leases, then the lowest
 * index. Decisions depend only on the ledger's state and the request: the same sequence of calls gives
 * the same leases.
 *
 * <p>Not thread-safe: it is meant to be owned by one actor (the FlowManager) and called synchronously
 * from its message handlers. Each call is O(stages × instances log instances).
 */
public final class Admission {
    private DevicePool pool;
    private final Grants grants;
    private final Map<String, long[]> usedBytesPerSecond = new TreeMap<>();
    private final Map<String, int[]> leaseCounts = new TreeMap<>();
    private final Map<Long, Lease> leases = new TreeMap<>();
    /** Per flow, instances it lost (their device actor died): a redirect of that flow never goes back to them. */
    private final Map<Long, Set<InstanceId>> lostByFlow = new TreeMap<>();

    public Admission(DevicePool pool, Grants grants) {
        this.pool = pool;
        this.grants = grants;
        for (DeviceCapacity capacity : pool.kinds()) {
            usedBytesPerSecond.put(capacity.kind(), new long[capacity.instances()]);
            leaseCounts.put(capacity.kind(), new int[capacity.instances()]);
        }
    }

    /** Admits {@code request}, choosing instances itself (replicas {@code auto}: as few as carry its rate). */
    public Decision admit(FlowRequest request) {
        return admit(request, null);
    }

    /**
     * Admits {@code request} on the instances {@code placement} names (a {@link Planner} plan), or refuses
     * it; with a null placement, chooses instances itself.
     */
    public Decision admit(FlowRequest request, Placement placement) {
        if (leases.containsKey(request.flowId())) {
            return refused(request, Decision.Reason.DUPLICATE_FLOW,
                "flow " + request.flowId() + " already holds a lease; release it first");
        }
        final Optional<Grant> grant = grants.find(request.principal());
        if (grant.isEmpty()) {
            return refused(request, Decision.Reason.GRANT, "principal '" + request.principal() + "' has no grant; add "
                + Grants.ROOT + "." + ConfigUtil.joinPath(request.principal()) + " { devices = [...], max-instances = N, "
                + "max-rate-bytes-per-second = SIZE }");
        }
        final Optional<String> grantProblem = checkGrant(request, placement, grant.get());
        if (grantProblem.isPresent()) {
            return refused(request, Decision.Reason.GRANT, grantProblem.get());
        }
        final Set<String> unknown = new LinkedHashSet<>();
        for (StageRequest stage : request.stages()) {
            if (pool.find(stage.kind()).isEmpty()) {
                unknown.add(stage.kind());
            }
        }
        if (!unknown.isEmpty()) {
            return refused(request, Decision.Reason.UNKNOWN_KIND, unknownKinds(unknown));
        }
        final Optional<String> invalid = checkShape(request, placement);
        if (invalid.isPresent()) {
            return refused(request, Decision.Reason.INVALID, invalid.get());
        }
        return allocate(request, placement, grant.get());
    }

    /**
     * Moves the live lease of {@code request}'s flow onto {@code placement} (a re-plan), in one step: on a
     * refusal the old lease stays as it was. Without a live lease this is {@link #admit(FlowRequest,
     * Placement)}.
     */
    public Decision replace(FlowRequest request, Placement placement) {
        final Lease old = leases.get(request.flowId());
        if (old == null) {
            return admit(request, placement);
        }
        final Set<InstanceId> lost = lostByFlow.get(request.flowId());
        release(request.flowId());
        final Decision decision = admit(request, placement);
        if (decision instanceof Decision.Refused) {
            commit(old);
        }
        if (lost != null) {
            // A re-plan does not forget the instances the flow lost: a later redirect still keeps away from them.
            lostByFlow.put(request.flowId(), lost);
        }
        return decision;
    }

    /** Releases the flow's lease and returns it; empty when the flow holds none (idempotent). */
    public Optional<Lease> release(long flowId) {
        lostByFlow.remove(flowId);
        final Lease lease = leases.remove(flowId);
        if (lease == null) {
            return Optional.empty();
        }
        for (Assignment assignment : lease.assignments()) {
            final InstanceId instance = assignment.instance();
            usedBytesPerSecond.get(instance.kind())[instance.index()] -= assignment.bytesPerSecond();
            leaseCounts.get(instance.kind())[instance.index()]--;
        }
        return Optional.of(lease);
    }

    /**
     * Adds one more instance of stage {@code stage}'s kind to flow {@code flowId}'s lease, for the exception
     * ladder's {@code redirect instance}: an instance the stage does not hold yet, that takes another lease
     * and has room for the rate the stage's failed instance carried (the most free rate, then the fewest
     * leases, then the lowest index). The instance stays in the lease until the flow's lease is released, so
     * a redirect never over-commits an instance another flow was admitted on.
     *
     * @return the lease with the spare, or a sentence why none was free (the lease is then unchanged)
     */
    public SpareLease leaseSpare(long flowId, int stage) {
        final Lease lease = leases.get(flowId);
        if (lease == null) {
            return new SpareLease(null, null, "flow " + flowId + " holds no lease");
        }
        final StageLease held = lease.stages().stream().filter(s -> s.stage() == stage).findFirst().orElse(null);
        if (held == null) {
            return new SpareLease(null, null, "flow " + flowId + " leases nothing for stage " + (stage + 1));
        }
        final DeviceCapacity capacity = pool.require(held.kind());
        // A stage that lost its only instance (its device actor died) still carries the flow's rate.
        final long rate = held.assignments().isEmpty() ? lease.bytesPerSecond() : held.assignments().get(0).bytesPerSecond();
        final long[] used = usedBytesPerSecond.get(held.kind());
        final int[] counts = leaseCounts.get(held.kind());
        for (InstanceId candidate : candidates(capacity, used, counts)) {
            if (held.instances().contains(candidate) || free(capacity, used, candidate.index()) < rate
                || lostByFlow.getOrDefault(flowId, Set.of()).contains(candidate)) {
                continue;
            }
            final List<Assignment> assignments = new ArrayList<>(held.assignments());
            assignments.add(new Assignment(candidate, rate));
            final List<StageLease> stages = new ArrayList<>(lease.stages());
            stages.set(stages.indexOf(held), new StageLease(held.stage(), held.kind(), held.pinned(), assignments));
            used[candidate.index()] += rate;
            counts[candidate.index()]++;
            final Lease grown = new Lease(lease.flowId(), lease.principal(), lease.bytesPerSecond(), lease.weight(),
                stages);
            leases.put(flowId, grown);
            return new SpareLease(candidate, grown, null);
        }
        return new SpareLease(null, null, "no instance of " + held.kind() + " beyond the " + held.instances().size()
            + " the stage holds takes another lease with " + Rates.format(rate) + " free (" + capacity.instances()
            + " in the pool, " + capacity.leasesPerInstance() + " lease(s) each)");
    }

    /**
     * Takes {@code instance} out of every lease that holds it (its device actor died): its rate and lease
     * counts go back, and the flows that held it never get it again from {@link #leaseSpare}. An instance
     * that comes back (a restarted device actor) is free for every other flow.
     *
     * @return the flows that held it, by id
     */
    public List<Long> releaseInstance(InstanceId instance) {
        final List<Long> held = new ArrayList<>();
        for (Lease lease : List.copyOf(leases.values())) {
            if (!lease.instances().contains(instance)) {
                continue;
            }
            final List<StageLease> stages = new ArrayList<>();
            for (StageLease stage : lease.stages()) {
                final List<Assignment> kept = new ArrayList<>();
                for (Assignment assignment : stage.assignments()) {
                    if (assignment.instance().equals(instance)) {
                        usedBytesPerSecond.get(instance.kind())[instance.index()] -= assignment.bytesPerSecond();
                        leaseCounts.get(instance.kind())[instance.index()]--;
                    } else {
                        kept.add(assignment);
                    }
                }
                stages.add(new StageLease(stage.stage(), stage.kind(), stage.pinned(), kept));
            }
            leases.put(lease.flowId(), new Lease(lease.flowId(), lease.principal(), lease.bytesPerSecond(),
                lease.weight(), stages));
            lostByFlow.computeIfAbsent(lease.flowId(), flow -> new LinkedHashSet<>()).add(instance);
            held.add(lease.flowId());
        }
        return held;
    }

    /**
     * What {@link #leaseSpare} found: the spare instance and the flow's lease with it, or why there is none.
     *
     * @param instance null when refused
     * @param lease    the flow's lease with the spare; null when refused
     * @param refusal  null when granted
     */
    public record SpareLease(InstanceId instance, Lease lease, String refusal) {
        public boolean granted() {
            return instance != null;
        }
    }

    /**
     * Takes new per-instance rates (a re-measured pool). Leases stay as they are, even where they now exceed
     * an instance's rate; new admissions see the new rates. Re-planning the flows is the caller's move.
     *
     * @throws SchedulerException {@code BAD_ARGUMENT} when a kind is dropped or its instance count changes
     */
    public void updatePool(DevicePool newPool) {
        for (DeviceCapacity before : pool.kinds()) {
            final Optional<DeviceCapacity> after = newPool.find(before.kind());
            if (after.isEmpty() || after.get().instances() != before.instances()) {
                throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "a new pool must keep every kind "
                    + "and its instance count; " + before.kind() + " had " + before.instances() + " instances");
            }
        }
        for (DeviceCapacity capacity : newPool.kinds()) {
            usedBytesPerSecond.putIfAbsent(capacity.kind(), new long[capacity.instances()]);
            leaseCounts.putIfAbsent(capacity.kind(), new int[capacity.instances()]);
        }
        pool = newPool;
    }

    public DevicePool pool() {
        return pool;
    }

    public Optional<Lease> lease(long flowId) {
        return Optional.ofNullable(leases.get(flowId));
    }

    /** Live leases, by flow id. */
    public List<Lease> leases() {
        return List.copyOf(leases.values());
    }

    /** Rate reserved on {@code instance} by all live leases. */
    public long inUseBytesPerSecond(InstanceId instance) {
        pool.require(instance.kind()).instance(instance.index());
        return usedBytesPerSecond.get(instance.kind())[instance.index()];
    }

    /** Leases held on {@code instance}. */
    public int leaseCount(InstanceId instance) {
        pool.require(instance.kind()).instance(instance.index());
        return leaseCounts.get(instance.kind())[instance.index()];
    }

    /** Rate reserved on all instances of {@code kind}. */
    public long inUseBytesPerSecond(String kind) {
        long sum = 0;
        pool.require(kind);
        for (long used : usedBytesPerSecond.get(kind)) {
            sum += used;
        }
        return sum;
    }

    /**
     * Per kind, the instances that take another lease and have rate to spare, by index: what a {@link
     * Planner} may place a new flow on.
     */
    public Map<String, List<InstanceId>> freeInstances() {
        final Map<String, List<InstanceId>> free = new TreeMap<>();
        for (DeviceCapacity capacity : pool.kinds()) {
            final List<InstanceId> instances = new ArrayList<>();
            for (int i = 0; i < capacity.instances(); i++) {
                if (leaseCounts.get(capacity.kind())[i] < capacity.leasesPerInstance()
                    && usedBytesPerSecond.get(capacity.kind())[i] < capacity.rateBytesPerSecond()) {
                    instances.add(capacity.instance(i));
                }
            }
            free.put(capacity.kind(), Collections.unmodifiableList(instances));
        }
        return Collections.unmodifiableMap(free);
    }

    private Optional<String> checkGrant(FlowRequest request, Placement placement, Grant grant) {
        final Set<String> notGranted = new LinkedHashSet<>();
        int instances = 0;
        for (int i = 0; i < request.stages().size(); i++) {
            final StageRequest stage = request.stages().get(i);
            if (!grant.grants(stage.kind())) {
                notGranted.add(stage.kind());
            }
            instances += placement != null && i < placement.stages().size()
                ? placement.stage(i).replicas() : Math.max(1, stage.replicas());
        }
        if (!notGranted.isEmpty()) {
            return Optional.of("grant " + grant.path() + " does not include device "
                + (notGranted.size() == 1 ? "kind " : "kinds ") + quoted(notGranted) + "; add "
                + (notGranted.size() == 1 ? "it" : "them") + " to " + grant.path() + ".devices");
        }
        if (request.requestedBytesPerSecond() > grant.maxRateBytesPerSecond()) {
            return Optional.of("requested " + Rates.format(request.requestedBytesPerSecond()) + ", but grant "
                + grant.path() + " allows at most " + Rates.format(grant.maxRateBytesPerSecond()) + " per flow");
        }
        if (instances > grant.maxInstances()) {
            return Optional.of("it needs " + instances + " device instances, but grant " + grant.path()
                + " allows at most " + grant.maxInstances() + " per flow");
        }
        return Optional.empty();
    }

    private Optional<String> checkShape(FlowRequest request, Placement placement) {
        if (placement != null && placement.stages().size() != request.stages().size()) {
            return Optional.of("its placement has " + placement.stages().size() + " stages, the request "
                + request.stages().size());
        }
        for (int i = 0; i < request.stages().size(); i++) {
            final StageRequest stage = request.stages().get(i);
            final DeviceCapacity capacity = pool.require(stage.kind());
            if (placement != null) {
                final StagePlacement placed = placement.stage(i);
                if (!placed.kind().equals(stage.kind())) {
                    return Optional.of("stage " + i + " is '" + stage.kind() + "' but its placement is on '"
                        + placed.kind() + "'");
                }
                if (placed.instances().isEmpty()) {
                    return Optional.of("stage " + i + " '" + stage.kind() + "' has no instance in its placement");
                }
                if (new LinkedHashSet<>(placed.instances()).size() != placed.instances().size()) {
                    return Optional.of("stage " + i + " '" + stage.kind() + "' names an instance twice");
                }
                for (InstanceId instance : placed.instances()) {
                    if (!instance.kind().equals(stage.kind()) || instance.index() >= capacity.instances()) {
                        return Optional.of("stage " + i + " '" + stage.kind() + "' is placed on " + instance
                            + ", which the pool does not have");
                    }
                }
            }
            final int replicas = placement != null ? placement.stage(i).replicas() : stage.replicas();
            if (capacity.stateful() && replicas > 1) {
                return Optional.of("stage " + i + " '" + stage.kind() + "' is stateful and runs on one instance per"
                    + " flow; ask for replicas 1");
            }
        }
        return Optional.empty();
    }

    private Decision allocate(FlowRequest request, Placement placement, Grant grant) {
        final long rate = request.requestedBytesPerSecond();
        final Map<String, long[]> used = new TreeMap<>();
        final Map<String, int[]> counts = new TreeMap<>();
        usedBytesPerSecond.forEach((kind, values) -> used.put(kind, values.clone()));
        leaseCounts.forEach((kind, values) -> counts.put(kind, values.clone()));

        int fixedInstances = 0;
        int autoStages = 0;
        for (StageRequest stage : request.stages()) {
            final boolean auto = replicated(stage);
            fixedInstances += auto ? 0 : Math.max(1, stage.replicas());
            autoStages += auto ? 1 : 0;
        }
        int grantLeft = grant.maxInstances() - fixedInstances;

        final List<StageLease> stages = new ArrayList<>();
        final Map<String, Shortfall> shortfalls = new LinkedHashMap<>();
        for (int i = 0; i < request.stages().size(); i++) {
            final StageRequest stage = request.stages().get(i);
            final DeviceCapacity capacity = pool.require(stage.kind());
            final long[] kindUsed = used.get(stage.kind());
            final int[] kindCounts = counts.get(stage.kind());
            final List<InstanceId> chosen;
            if (placement != null) {
                chosen = fits(placement.stage(i).instances(), rate, capacity, kindUsed, kindCounts)
                    ? placement.stage(i).instances() : List.of();
            } else {
                // A fixed count needs only the best few: a selection, not a sort of every instance (a file
                // kind has hundreds, and this runs for every flow that opens).
                final List<InstanceId> candidates = replicated(stage) ? candidates(capacity, kindUsed, kindCounts)
                    : best(capacity, kindUsed, kindCounts, Math.max(1, stage.replicas()));
                if (replicated(stage)) {
                    autoStages--;
                    chosen = fewestThatCarry(candidates, rate, capacity, kindUsed, grantLeft - autoStages);
                    grantLeft -= chosen.size();
                } else {
                    // A stateful stage asking for auto replicas gets its one instance.
                    final int n = Math.max(1, stage.replicas());
                    chosen = candidates.size() >= n && fits(candidates.subList(0, n), rate, capacity, kindUsed, kindCounts)
                        ? candidates.subList(0, n) : List.of();
                }
            }
            if (chosen.isEmpty()) {
                final int wanted = placement != null ? placement.stage(i).replicas()
                    : replicated(stage) ? instancesToCarry(rate, capacity) : Math.max(1, stage.replicas());
                shortfalls.merge(stage.kind(), shortfall(capacity, rate, wanted), (a, b) -> new Shortfall(a.kind(),
                    saturatedAdd(a.requestedBytesPerSecond(), b.requestedBytesPerSecond()), a.inUseBytesPerSecond(),
                    a.limitBytesPerSecond(), a.requestedInstances() + b.requestedInstances(),
                    Math.max(a.partBytesPerSecond(), b.partBytesPerSecond()),
                    Math.min(a.fitInstances(), b.fitInstances()), a.openInstances(), a.instances(), a.stateful()));
                continue;
            }
            final List<Assignment> assignments = new ArrayList<>();
            for (int r = 0; r < chosen.size(); r++) {
                final InstanceId instance = chosen.get(r);
                final long part = part(rate, chosen.size(), r);
                kindUsed[instance.index()] += part;
                kindCounts[instance.index()]++;
                assignments.add(new Assignment(instance, part));
            }
            stages.add(new StageLease(i, stage.kind(), capacity.stateful(), assignments));
        }
        if (!shortfalls.isEmpty()) {
            final List<String> sentences = shortfalls.values().stream().map(Shortfall::sentence).toList();
            return new Decision.Refused(request.flowId(), Decision.Reason.CAPACITY, List.copyOf(shortfalls.values()),
                "flow " + request.flowId() + " refused: " + String.join("; ", sentences));
        }
        final Lease lease = new Lease(request.flowId(), request.principal(), rate, request.weight(), stages);
        commit(lease);
        return new Decision.Granted(lease);
    }

    /** {@code replicas auto} on a stateless kind: a stateful stage stays on one instance whatever it asks. */
    private boolean replicated(StageRequest stage) {
        return stage.isAuto() && !pool.require(stage.kind()).stateful();
    }

    private void commit(Lease lease) {
        for (Assignment assignment : lease.assignments()) {
            final InstanceId instance = assignment.instance();
            usedBytesPerSecond.get(instance.kind())[instance.index()] += assignment.bytesPerSecond();
            leaseCounts.get(instance.kind())[instance.index()]++;
        }
        leases.put(lease.flowId(), lease);
    }

    /** Instances that take another lease, most free rate first, then fewest leases, then lowest index. */
    private static List<InstanceId> candidates(DeviceCapacity capacity, long[] used, int[] counts) {
        final List<InstanceId> candidates = new ArrayList<>();
        for (int i = 0; i < capacity.instances(); i++) {
            if (counts[i] < capacity.leasesPerInstance()) {
                candidates.add(capacity.instance(i));
            }
        }
        candidates.sort(Comparator.<InstanceId>comparingLong(id -> -free(capacity, used, id.index()))
            .thenComparingInt(id -> counts[id.index()])
            .thenComparingInt(InstanceId::index));
        return candidates;
    }

    /**
     * The first {@code n} of {@link #candidates} (fewer when fewer take a lease), in the same order, by
     * keeping the best {@code n} seen: O(instances × n) instead of sorting every instance.
     */
    private static List<InstanceId> best(DeviceCapacity capacity, long[] used, int[] counts, int n) {
        final int[] chosen = new int[n];
        int size = 0;
        for (int i = 0; i < capacity.instances(); i++) {
            if (counts[i] >= capacity.leasesPerInstance()) {
                continue;
            }
            int at = size;
            while (at > 0 && better(capacity, used, counts, i, chosen[at - 1])) {
                at--;
            }
            if (at >= n) {
                continue;
            }
            final int end = Math.min(size, n - 1);
            System.arraycopy(chosen, at, chosen, at + 1, end - at);
            chosen[at] = i;
            size = Math.min(size + 1, n);
        }
        final List<InstanceId> best = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            best.add(capacity.instance(chosen[k]));
        }
        return best;
    }

    /** Whether instance a comes before b in {@link #candidates}' order (indexes break ties: a is never b). */
    private static boolean better(DeviceCapacity capacity, long[] used, int[] counts, int a, int b) {
        final long freeA = free(capacity, used, a);
        final long freeB = free(capacity, used, b);
        if (freeA != freeB) {
            return freeA > freeB;
        }
        if (counts[a] != counts[b]) {
            return counts[a] < counts[b];
        }
        return a < b;
    }

    /** The first n candidates, for the smallest n (at most {@code maxInstances}) that carry {@code rate}. */
    private static List<InstanceId> fewestThatCarry(List<InstanceId> candidates, long rate, DeviceCapacity capacity,
        long[] used, int maxInstances) {
        final int limit = Math.min(candidates.size(), maxInstances);
        for (int n = 1; n <= limit; n++) {
            // Candidates are sorted by free rate, so the n-th has the least; it takes the largest part.
            if (free(capacity, used, candidates.get(n - 1).index()) >= part(rate, n, 0)) {
                return candidates.subList(0, n);
            }
        }
        return List.of();
    }

    /** Whether each instance takes another lease and its part of {@code rate}. */
    private static boolean fits(List<InstanceId> instances, long rate, DeviceCapacity capacity, long[] used,
        int[] counts) {
        for (int r = 0; r < instances.size(); r++) {
            final int index = instances.get(r).index();
            if (counts[index] >= capacity.leasesPerInstance() || free(capacity, used, index) < part(rate, instances.size(), r)) {
                return false;
            }
        }
        return true;
    }

    private static long free(DeviceCapacity capacity, long[] used, int index) {
        return Math.max(0, capacity.rateBytesPerSecond() - used[index]);
    }

    /** Replica r's part of {@code rate} split over n: the parts differ by at most 1 and sum to {@code rate}. */
    static long part(long rate, int n, int r) {
        return rate / n + (r < rate % n ? 1 : 0);
    }

    private static int instancesToCarry(long rate, DeviceCapacity capacity) {
        if (rate == 0 || capacity.rateBytesPerSecond() == 0) {
            return 1;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (rate + capacity.rateBytesPerSecond() - 1)
            / capacity.rateBytesPerSecond()));
    }

    private Shortfall shortfall(DeviceCapacity capacity, long rate, int wanted) {
        final long[] used = usedBytesPerSecond.get(capacity.kind());
        final int[] counts = leaseCounts.get(capacity.kind());
        final long share = part(rate, Math.max(1, wanted), 0);
        int fit = 0;
        int open = 0;
        long inUse = 0;
        for (int i = 0; i < capacity.instances(); i++) {
            inUse += used[i];
            if (counts[i] < capacity.leasesPerInstance()) {
                open++;
                if (free(capacity, used, i) >= share) {
                    fit++;
                }
            }
        }
        return new Shortfall(capacity.kind(), rate, inUse, capacity.limitBytesPerSecond(), wanted, share, fit, open,
            capacity.instances(), capacity.stateful());
    }

    private Decision refused(FlowRequest request, Decision.Reason reason, String why) {
        return new Decision.Refused(request.flowId(), reason, List.of(), "flow " + request.flowId() + " refused: " + why);
    }

    private String unknownKinds(Set<String> unknown) {
        final String known = pool.kinds().isEmpty() ? "none"
            : String.join(", ", pool.kinds().stream().map(DeviceCapacity::kind).toList());
        return "the device pool has no " + (unknown.size() == 1 ? "kind " : "kinds ") + quoted(unknown)
            + "; known kinds: " + known;
    }

    private static String quoted(Set<String> names) {
        return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
    }

    private static long saturatedAdd(long a, long b) {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
