package io.flowswitch.scheduler;

/**
 * What a kind gets in a pool built from a device catalog when nothing more is known: the instance count
 * when the capabilities carry none, the per-instance rate when none was measured, and the lease count of
 * a stateless instance. Immutable.
 */
public record PoolDefaults(int instances, long rateBytesPerSecond, int maxLeasesPerInstance) {
    /** Four instances (as a node starts by default), 1 GiB/s each until measured, 64 leases each. */
    public static final PoolDefaults STANDARD =
        new PoolDefaults(4, 1L << 30, DeviceCapacity.DEFAULT_MAX_LEASES_PER_INSTANCE);

    public PoolDefaults {
        if (instances < 0 || rateBytesPerSecond < 0 || maxLeasesPerInstance < 1) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "pool defaults need instances >= 0, "
                + "rate-bytes-per-second >= 0 and max-leases-per-instance >= 1, got " + instances + ", "
                + rateBytesPerSecond + ", " + maxLeasesPerInstance);
        }
    }
}
