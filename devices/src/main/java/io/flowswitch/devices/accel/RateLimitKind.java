package io.flowswitch.devices.accel;

import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.devices.internal.ParamChecks;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code rate-limit} device kind: a model of a hardware accelerator of a given speed and latency.
 * Data passes through unchanged, but no faster than the modelled device could process it, so flows,
 * schedulers and the exception ladder can be exercised against a slow device without owning one.
 *
 * <p>Parameters: {@code rate-bytes-per-second} (required, at least 1024), {@code latency-us} (per chunk,
 * default 0, at most 60 s).
 *
 * <p>Error codes: {@code BAD_PARAMETER}; {@code INTERRUPTED} when the stage thread is interrupted while
 * the device waits.
 *
 * <p>Not stateful in the scheduler's sense: each instance models its own accelerator, and chunks may be
 * balanced over replicas (that is what replicas of a slow device are for). The software path is the
 * identity. Stateless and thread-safe; each {@link #create} makes an instance with its own clock. Owns
 * no buffers.
 */
public final class RateLimitKind implements ModelledAcceleratorKind {
    public static final String NAME = "rate-limit";
    public static final String RATE_BYTES_PER_SECOND = "rate-bytes-per-second";
    public static final String LATENCY_US = "latency-us";

    /** Below 1 KiB/s a 64 KiB chunk would take over a minute: surely a mistake in units. */
    public static final long MIN_RATE_BYTES_PER_SECOND = 1024;
    /** Large enough for any device; small enough that {@code bytes * 1e9} cannot overflow for a chunk. */
    public static final long MAX_RATE_BYTES_PER_SECOND = 1L << 50;
    public static final long MAX_LATENCY_US = 60_000_000;

    private static final Set<String> PARAMETERS = Set.of(RATE_BYTES_PER_SECOND, LATENCY_US);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.TRANSFORM)
        .setDescription("passes data unchanged at the speed of a modelled accelerator (rate-bytes-per-second, latency-us = 0)")
        .addFunctions("rate-limit")
        .setStateful(false)
        // Leaves every byte as it is, so any pass-through range too.
        .setPassThrough(true)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        rate(params);
        latencyUs(params);
    }

    /** The caller owns the returned device and closes it. */
    @Override
    public RateLimitDevice create(DeviceParams params, FlowContext context) {
        return new RateLimitDevice(params.stage(), rate(params), latencyUs(params) * 1_000L);
    }

    private static long rate(DeviceParams params) {
        params.requireOnly(PARAMETERS);
        return ParamChecks.requiredLong(params, RATE_BYTES_PER_SECOND, MIN_RATE_BYTES_PER_SECOND,
            MAX_RATE_BYTES_PER_SECOND);
    }

    private static long latencyUs(DeviceParams params) {
        return params.longValue(LATENCY_US, 0, 0, MAX_LATENCY_US);
    }
}
