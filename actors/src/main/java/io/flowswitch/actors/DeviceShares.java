package io.flowswitch.actors;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.accel.SharedAccelerator;
import io.flowswitch.devices.accel.SharedAcceleratorKind;
import io.flowswitch.scheduler.Assignment;
import io.flowswitch.scheduler.FairShare;
import io.flowswitch.scheduler.InstanceId;
import io.flowswitch.scheduler.Lease;
import io.flowswitch.scheduler.StageLease;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Global fair sharing at run time: keeps, for every instance of a shared accelerator ({@link
 * SharedAcceleratorKind}), the flows leased on it, and splits its rate among them with {@link
 * FairShare#withinLeases} (a reserved rate is guaranteed and capped, the rest goes by weight) whenever a
 * flow comes or goes. The parts are written into the instance's model, which the flows' devices read per
 * chunk, so a re-split takes effect at each running flow's next chunk. Kinds that are not shared
 * accelerators are left alone: their instances model their own speed.
 *
 * <p>Owned by the flow manager and called from its message handlers only: not thread-safe.
 */
final class DeviceShares {
    private final Map<String, SharedAcceleratorKind> kinds = new HashMap<>();
    /** Per instance, its tenants in the order they came. */
    private final Map<InstanceId, Map<Long, FairShare.Tenant>> tenants = new HashMap<>();
    private final Map<Long, Set<InstanceId>> instancesByFlow = new HashMap<>();

    DeviceShares(DeviceCatalog catalog) {
        for (DeviceKind kind : catalog.kinds()) {
            if (kind instanceof SharedAcceleratorKind shared) {
                kinds.put(shared.name(), shared);
            }
        }
    }

    /** A flow got {@code lease}: it joins every shared instance the lease names, and those are re-split. */
    void admitted(Lease lease) {
        if (kinds.isEmpty()) {
            return;
        }
        join(lease).forEach(this::resplit);
        place(lease);
    }

    /**
     * A running flow's lease moved to {@code lease} (a re-plan grew or shrank it): it leaves the shared
     * instances it no longer holds and joins the new ones, every instance touched is re-split, and its
     * devices are pointed at the parts of their replicas' instances ({@link SharedAcceleratorKind#place}): a
     * replica unparked onto a new instance paces at that instance's part, one parked holds none. The flow's
     * part of an instance it keeps is updated in place, so its devices there never see a gap.
     */
    void replaced(Lease lease) {
        if (kinds.isEmpty()) {
            return;
        }
        final Set<InstanceId> touched = leave(lease.flowId());
        touched.addAll(join(lease));
        touched.forEach(this::resplit);
        place(lease);
    }

    /**
     * A ladder's redirect grew the flow's lease to {@code lease} with {@code spare} for its ledger stage
     * {@code ledgerStage}: the flow joins the spare (which is re-split), and the device the ladder makes next
     * for that stage paces at the flow's part of the spare, not of the instance that failed. The other
     * replicas keep their instances. Call it before the ladder hears of the spare.
     */
    void spared(Lease lease, int ledgerStage, InstanceId spare) {
        final SharedAcceleratorKind kind = kinds.get(spare.kind());
        if (kind == null) {
            return;
        }
        final Set<InstanceId> touched = leave(lease.flowId());
        touched.addAll(join(lease));
        touched.forEach(this::resplit);
        // The kind counts the flow's stages of its own kind, as place() hands them over.
        int ordinal = 0;
        for (StageLease stage : lease.stages()) {
            if (stage.stage() == ledgerStage) {
                kind.redirect(lease.flowId(), ordinal, spare.index());
                return;
            }
            if (stage.kind().equals(spare.kind())) {
                ordinal++;
            }
        }
    }

    /**
     * {@code instance}'s device actor died and the ledger took it out of the leases of {@code flows}: they
     * leave it, and it is re-split among the flows still on it.
     */
    void lost(InstanceId instance, List<Long> flows) {
        final Map<Long, FairShare.Tenant> onInstance = tenants.get(instance);
        if (onInstance == null) {
            return;
        }
        for (long flowId : flows) {
            onInstance.remove(flowId);
            final Set<InstanceId> held = instancesByFlow.get(flowId);
            if (held != null) {
                held.remove(instance);
            }
        }
        if (onInstance.isEmpty()) {
            tenants.remove(instance);
        }
        resplit(instance);
    }

    /** The flow ended: the instances it was on are re-split among the flows left. Idempotent. */
    void released(long flowId) {
        kinds.values().forEach(kind -> kind.forget(flowId));
        leave(flowId).forEach(this::resplit);
    }

    /** Takes the flow off every instance it was on, without re-splitting them; returns those instances. */
    private Set<InstanceId> leave(long flowId) {
        final Set<InstanceId> instances = instancesByFlow.remove(flowId);
        if (instances == null) {
            return new LinkedHashSet<>();
        }
        for (InstanceId instance : instances) {
            final Map<Long, FairShare.Tenant> onInstance = tenants.get(instance);
            onInstance.remove(flowId);
            if (onInstance.isEmpty()) {
                tenants.remove(instance);
            }
        }
        return new LinkedHashSet<>(instances);
    }

    /** Puts the flow on every shared instance {@code lease} names, without re-splitting them; returns those. */
    private Set<InstanceId> join(Lease lease) {
        final Set<InstanceId> changed = new LinkedHashSet<>();
        for (StageLease stage : lease.stages()) {
            final SharedAcceleratorKind kind = kinds.get(stage.kind());
            if (kind == null) {
                continue;
            }
            for (Assignment assignment : stage.assignments()) {
                final InstanceId instance = assignment.instance();
                if (instance.index() >= kind.instances().size()) {
                    continue;
                }
                // Two stages of one flow on one instance reserve together.
                final Map<Long, FairShare.Tenant> onInstance = tenants.computeIfAbsent(instance,
                    id -> new LinkedHashMap<>());
                final FairShare.Tenant before = onInstance.get(lease.flowId());
                onInstance.put(lease.flowId(), new FairShare.Tenant(lease.flowId(), lease.weight(),
                    assignment.bytesPerSecond() + (before == null ? 0 : before.reservedBytesPerSecond())));
                instancesByFlow.computeIfAbsent(lease.flowId(), id -> new LinkedHashSet<>()).add(instance);
                changed.add(instance);
            }
        }
        return changed;
    }

    /** Tells each shared kind of the lease where the flow's replicas are: per stage, each replica's instance. */
    private void place(Lease lease) {
        final Map<SharedAcceleratorKind, List<List<Integer>>> byKind = new LinkedHashMap<>();
        for (StageLease stage : lease.stages()) {
            final SharedAcceleratorKind kind = kinds.get(stage.kind());
            if (kind != null) {
                byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(stage.assignments().stream()
                    .map(a -> a.instance().index()).toList());
            }
        }
        byKind.forEach((kind, stages) -> kind.place(lease.flowId(), stages));
    }

    /** Each flow's part of {@code instance} now, in bytes per second, in the order the flows came. */
    Map<Long, Long> parts(InstanceId instance) {
        final Map<Long, Long> parts = new LinkedHashMap<>();
        final SharedAcceleratorKind kind = kinds.get(instance.kind());
        final Map<Long, FairShare.Tenant> onInstance = tenants.get(instance);
        if (kind == null || onInstance == null) {
            return parts;
        }
        final List<FairShare.Tenant> list = new ArrayList<>(onInstance.values());
        for (FairShare.Share share : FairShare.withinLeases(model(instance).capacityBytesPerSecond(), list)) {
            parts.put(share.flowId(), share.bytesPerSecond());
        }
        return parts;
    }

    private void resplit(InstanceId instance) {
        if (kinds.containsKey(instance.kind()) && instance.index() < kinds.get(instance.kind()).instances().size()) {
            model(instance).share(parts(instance));
        }
    }

    private SharedAccelerator model(InstanceId instance) {
        return kinds.get(instance.kind()).instances().get(instance.index());
    }
}
