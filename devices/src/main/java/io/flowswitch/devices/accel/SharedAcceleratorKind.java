package io.flowswitch.devices.accel;

import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A pool of modelled accelerators under a name of their own (e.g. three {@code aes-card}s at 300 MiB/s):
 * unlike {@code rate-limit}, whose every stage models a device of its own, these instances exist once per
 * node and the flows leased on one share its rate, each pacing at the part the scheduler gives it
 * ({@link SharedAccelerator#share}). Data passes through unchanged.
 *
 * <p>A stage finds its instance by its flow: {@link #create} takes an instance on which the flow holds a
 * part, spreading a flow's replicas over its instances. A flow no scheduler placed (compiled outside a node)
 * paces at one instance's whole rate. Parameters: {@code latency-us} (per chunk, default 0).
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
     * A device pacing at the flow's part of the instance that holds fewest of the flow's devices so far;
     * the caller owns and closes it.
     */
    @Override
    public RateLimitDevice create(DeviceParams params, FlowContext context) {
        final long latencyNs = latencyUs(params) * 1_000L;
        SharedAccelerator.Share chosen = null;
        for (SharedAccelerator instance : instances) {
            final SharedAccelerator.Share share = instance.find(context.flowId());
            if (share != null && (chosen == null || share.devices.get() < chosen.devices.get())) {
                chosen = share;
            }
        }
        if (chosen == null) {
            return new RateLimitDevice(params.stage(), rateBytesPerSecond, latencyNs);
        }
        chosen.devices.incrementAndGet();
        return new RateLimitDevice(params.stage(), chosen, latencyNs);
    }

    private static long latencyUs(DeviceParams params) {
        params.requireOnly(PARAMETERS);
        return params.longValue(RateLimitKind.LATENCY_US, 0, 0, RateLimitKind.MAX_LATENCY_US);
    }
}
