package io.flowswitch.devices.accel;

import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A pool of modelled accelerators under a name of their own (e.g. three {@code aes-card}s at 300 MiB/s):
 * unlike {@code rate-limit}, whose every stage models a device of its own, these instances exist once per
 * node and the flows leased on one share its rate, each pacing at the part the scheduler gives it
 * ({@link SharedAccelerator#share}). Data passes through unchanged.
 *
 * <p>A stage finds its instance by its flow. The scheduler says where the flow's replicas are ({@link
 * #place}: per stage of this kind, the instance of each replica), and replica {@code r} of a stage paces at
 * the flow's part of the {@code r}-th instance its stage holds; a replica past them (one compiled for a flow
 * to grow into, parked) holds no part until a re-plan places it. Without a placement, {@link #create} takes
 * an instance on which the flow holds a part, spreading a flow's replicas over its instances; a flow no
 * scheduler placed (compiled outside a node) paces at one instance's whole rate. Parameters: {@code
 * latency-us} (per chunk, default 0).
 *
 * <p>The capabilities carry the instance count and rate, so a pool built from the catalog leases what the
 * models can do. Thread-safe: the instances are shared, each device is its flow's own.
 */
public final class SharedAcceleratorKind implements ModelledAcceleratorKind {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Set<String> PARAMETERS = Set.of(RateLimitKind.LATENCY_US);

    private final DeviceCapabilities capabilities;
    private final List<SharedAccelerator> instances;
    private final long rateBytesPerSecond;
    /** Per flow placed by a scheduler: where its replicas are, and its devices' seats. */
    private final Map<Long, FlowSeats> flows = new ConcurrentHashMap<>();

    /**
     * @throws IllegalArgumentException for a name that is not lower-case letters, digits and dashes, no
     *     instance, or a rate outside {@code rate-limit}'s bounds
     */
    public SharedAcceleratorKind(String name, int instances, long rateBytesPerSecond) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an accelerator's name must be lower-case letters, digits and dashes,"
                + " starting with a letter, got '" + name + "'");
        }
        if (instances < 1 || instances > 1024) {
            throw new IllegalArgumentException(name + ": instances must be between 1 and 1024, got " + instances);
        }
        if (rateBytesPerSecond < RateLimitKind.MIN_RATE_BYTES_PER_SECOND
            || rateBytesPerSecond > RateLimitKind.MAX_RATE_BYTES_PER_SECOND) {
            throw new IllegalArgumentException(name + ": rate must be between "
                + RateLimitKind.MIN_RATE_BYTES_PER_SECOND + " and " + RateLimitKind.MAX_RATE_BYTES_PER_SECOND
                + " bytes per second, got " + rateBytesPerSecond);
        }
        this.rateBytesPerSecond = rateBytesPerSecond;
        final List<SharedAccelerator> models = new ArrayList<>(instances);
        for (int i = 0; i < instances; i++) {
            models.add(new SharedAccelerator(name + "#" + i, rateBytesPerSecond));
        }
        this.instances = List.copyOf(models);
        this.capabilities = KindCapabilities.builder(name, DeviceRole.TRANSFORM)
            .setDescription("a modelled accelerator shared by flows by weight: " + instances + " x "
                + rateBytesPerSecond + " bytes/s, passes data unchanged (latency-us = 0)")
            .addFunctions("rate-limit")
            .setStateful(false)
            .setPassThrough(true)
            .setInstances(instances)
            .setMeasuredBytesPerSecond(rateBytesPerSecond)
            .build();
    }

    /** The shared models, by instance index. */
    public List<SharedAccelerator> instances() {
        return instances;
    }

    public long rateBytesPerSecond() {
        return rateBytesPerSecond;
    }

    @Override
    public DeviceCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        latencyUs(params);
    }

    /**
     * A device pacing at the flow's part of the instance its replica is placed on ({@link #place}), or, for a
     * flow without a placement, of the instance that holds fewest of the flow's devices so far; the caller
     * owns and closes it. Replicas are created in order, stage by stage; a device created after one of its
     * stage closed (a ladder's restart) takes the closed one's replica.
     */
    @Override
    public RateLimitDevice create(DeviceParams params, FlowContext context) {
        final long latencyNs = latencyUs(params) * 1_000L;
        final long flowId = context.flowId();
        final FlowSeats placed = flows.get(flowId);
        if (placed != null) {
            final ShareSeat seat = new ShareSeat(rateBytesPerSecond);
            synchronized (placed) {
                final List<ShareSeat> replicas = placed.seatsByStage.computeIfAbsent(params.stage(),
                    stage -> new ArrayList<>());
                // A device made again after one closed (a ladder's restart) takes its replica's place.
                final int closed = replicas.indexOf(replicas.stream().filter(ShareSeat::closed).findFirst()
                    .orElse(null));
                if (closed >= 0) {
                    // A redirect's device runs on the spare its ladder leased, not on the instance that failed.
                    final Deque<Integer> spares = placed.sparesByStage.get(
                        new ArrayList<>(placed.seatsByStage.keySet()).indexOf(params.stage()));
                    if (spares != null && !spares.isEmpty()) {
                        seat.redirectTo(spares.poll());
                    } else {
                        seat.redirectTo(replicas.get(closed).redirectedTo());
                    }
                    replicas.set(closed, seat);
                } else {
                    replicas.add(seat);
                }
                bind(flowId, placed);
            }
            return new RateLimitDevice(params.stage(), seat, latencyNs, () -> leave(placed, seat));
        }
        SharedAccelerator.Share chosen = null;
        for (SharedAccelerator instance : instances) {
            final SharedAccelerator.Share share = instance.find(flowId);
            if (share != null && (chosen == null || share.devices.get() < chosen.devices.get())) {
                chosen = share;
            }
        }
        if (chosen == null) {
            return new RateLimitDevice(params.stage(), rateBytesPerSecond, latencyNs);
        }
        final ShareSeat seat = new ShareSeat(rateBytesPerSecond);
        seat.bind(chosen);
        return new RateLimitDevice(params.stage(), seat, latencyNs, null);
    }

    /**
     * Where flow {@code flowId}'s replicas are from now on: per stage of this kind in the flow (in order), the
     * index of the instance of each replica. Call it after every {@link SharedAccelerator#share} that gave the
     * flow a part or took one away: each of its devices, existing or created later, paces at the part of its
     * replica's instance, and a replica past its stage's list holds none. The scheduler's thread only.
     */
    public void place(long flowId, List<List<Integer>> instancesByStage) {
        final List<List<Integer>> copy = new ArrayList<>();
        instancesByStage.forEach(stage -> copy.add(List.copyOf(stage)));
        final FlowSeats seats = flows.computeIfAbsent(flowId, id -> new FlowSeats());
        synchronized (seats) {
            seats.instancesByStage = List.copyOf(copy);
            bind(flowId, seats);
        }
    }

    /**
     * A ladder's {@code redirect instance} leased instance {@code instance} for the flow's stage {@code stage}
     * (of this kind, counted in order as in {@link #place}), after its failed device closed: the device the
     * ladder makes next in the failed one's place paces at the flow's part of {@code instance}. Call it after
     * the {@link SharedAccelerator#share} that gave the flow its part there, before the ladder makes the
     * device. A flow no scheduler placed is left alone. The scheduler's thread only.
     */
    public void redirect(long flowId, int stage, int instance) {
        final FlowSeats seats = flows.get(flowId);
        if (seats == null || instance < 0 || instance >= instances.size()) {
            return;
        }
        synchronized (seats) {
            seats.sparesByStage.computeIfAbsent(stage, s -> new ArrayDeque<>()).add(instance);
        }
    }

    /** The flow ended: its placement is forgotten (its devices have closed, or keep the parts they had). */
    public void forget(long flowId) {
        flows.remove(flowId);
    }

    /**
     * The rate each of the flow's placed devices paces at now, stage by stage, replica by replica; -1 for a
     * device that holds no part (a parked replica, or one closed). Empty for a flow not placed.
     */
    public List<Long> pacingBytesPerSecond(long flowId) {
        final FlowSeats seats = flows.get(flowId);
        final List<Long> rates = new ArrayList<>();
        if (seats != null) {
            synchronized (seats) {
                seats.seatsByStage.values().forEach(replicas -> replicas.forEach(seat ->
                    rates.add(seat.placed() ? seat.pacingBytesPerSecond() : -1L)));
            }
        }
        return rates;
    }

    /** Whether the kind holds a placement or a seat for the flow (for tests of its tear-down). */
    public boolean placed(long flowId) {
        return flows.containsKey(flowId);
    }

    /** Points every seat of the flow at the part of its replica's instance, or at none. Holding {@code seats}' lock. */
    private void bind(long flowId, FlowSeats seats) {
        int stage = 0;
        for (List<ShareSeat> replicas : seats.seatsByStage.values()) {
            final List<Integer> placed = stage < seats.instancesByStage.size() ? seats.instancesByStage.get(stage)
                : List.of();
            for (int r = 0; r < replicas.size(); r++) {
                final int redirected = replicas.get(r).redirectedTo();
                final int index = redirected >= 0 ? redirected : r < placed.size() ? placed.get(r) : -1;
                replicas.get(r).bind(index >= 0 && index < instances.size() ? instances.get(index).find(flowId) : null);
            }
            stage++;
        }
    }

    /**
     * A device closed: its seat gives its part up for good. It keeps its place among its stage's seats, so
     * the replicas after it keep their instances.
     */
    private static void leave(FlowSeats seats, ShareSeat seat) {
        synchronized (seats) {
            seat.close();
        }
    }

    /** A flow's placement and its devices' seats, by stage name in the order the stages' devices were created. */
    private static final class FlowSeats {
        private List<List<Integer>> instancesByStage = List.of();
        private final Map<String, List<ShareSeat>> seatsByStage = new LinkedHashMap<>();
        /** Per stage (counted as in {@link #place}), the spares redirects leased that no device took yet. */
        private final Map<Integer, Deque<Integer>> sparesByStage = new HashMap<>();
    }

    private static long latencyUs(DeviceParams params) {
        params.requireOnly(PARAMETERS);
        return params.longValue(RateLimitKind.LATENCY_US, 0, 0, RateLimitKind.MAX_LATENCY_US);
    }
}
