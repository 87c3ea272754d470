package io.flowswitch.scheduler;

/**
 * What the pool holds of one device kind: how many instances, how fast each one is, and how many leases
 * one instance takes. A rate-limited accelerator model ("three aes-card instances at 300 MiB/s") is just
 * a kind with a configured rate. Immutable.
 *
 * @param kind device kind name, as in flow specs and FML
 * @param instances how many instances exist; 0 is allowed (nothing can be leased)
 * @param rateBytesPerSecond capacity of one instance, measured or configured; 0 is allowed (nothing
 *     that asks for a rate can be leased)
 * @param stateful instances keep per-flow state: each serves one flow at a time, which stays pinned to it
 * @param maxLeasesPerInstance leases one stateless instance takes at once; a stateful one always takes 1
 */
public record DeviceCapacity(String kind, int instances, long rateBytesPerSecond, boolean stateful,
    int maxLeasesPerInstance) {

    /** Leases one stateless instance takes unless configured. */
    public static final int DEFAULT_MAX_LEASES_PER_INSTANCE = 64;

    public DeviceCapacity {
        if (kind == null || kind.isEmpty()) {
            throw bad("a device capacity needs a kind");
        }
        if (instances < 0) {
            throw bad(kind + ": instances must be >= 0, got " + instances);
        }
        if (rateBytesPerSecond < 0) {
            throw bad(kind + ": rate-bytes-per-second must be >= 0, got " + rateBytesPerSecond);
        }
        if (maxLeasesPerInstance < 1) {
            throw bad(kind + ": max-leases-per-instance must be >= 1, got " + maxLeasesPerInstance);
        }
    }

    /** Leases one instance takes at once: 1 when stateful. */
    public int leasesPerInstance() {
        return stateful ? 1 : maxLeasesPerInstance;
    }

    /** The kind's whole capacity: instances × rate (saturating). */
    public long limitBytesPerSecond() {
        return multiplySaturated(rateBytesPerSecond, instances);
    }

    /** The same kind at another per-instance rate, e.g. a newly measured one. */
    public DeviceCapacity withRate(long bytesPerSecond) {
        return new DeviceCapacity(kind, instances, bytesPerSecond, stateful, maxLeasesPerInstance);
    }

    public InstanceId instance(int index) {
        if (index < 0 || index >= instances) {
            throw bad(kind + " has " + instances + " instances; there is no #" + index);
        }
        return new InstanceId(kind, index);
    }

    static long multiplySaturated(long a, long b) {
        final long high = Math.multiplyHigh(a, b);
        final long low = a * b;
        return high == 0 && low >= 0 ? low : Long.MAX_VALUE;
    }

    private static SchedulerException bad(String message) {
        return new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, message);
    }
}
