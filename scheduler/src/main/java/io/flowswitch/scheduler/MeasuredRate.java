package io.flowswitch.scheduler;

/**
 * A device kind's throughput as an exponentially weighted moving average of samples {@code (bytes,
 * elapsedNs)}, weighted by time: a sample that covers one half-life counts as much as all the history
 * before it.
 *
 * <pre>
 * sample rate  r = bytes × 10⁹ / elapsedNs
 * weight       α = 1 − 2^(−elapsedNs / halfLifeNs)
 * new average  R' = R + α (r − R)        (the first sample sets R = r)
 * </pre>
 *
 * Immutable and thread-safe: {@link #sample} returns a new value.
 */
public final class MeasuredRate {
    private final long halfLifeNs;
    private final double bytesPerSecond;
    private final long samples;

    private MeasuredRate(long halfLifeNs, double bytesPerSecond, long samples) {
        this.halfLifeNs = halfLifeNs;
        this.bytesPerSecond = bytesPerSecond;
        this.samples = samples;
    }

    /** No samples yet: the rate is 0 until the first one. */
    public static MeasuredRate empty(long halfLifeNs) {
        if (halfLifeNs <= 0) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                "half-life must be > 0 ns, got " + halfLifeNs);
        }
        return new MeasuredRate(halfLifeNs, 0, 0);
    }

    /** Starts from a known rate (a self-benchmark, a configured rate) as if it were one sample. */
    public static MeasuredRate startingAt(long halfLifeNs, double bytesPerSecond) {
        if (!(bytesPerSecond >= 0) || Double.isInfinite(bytesPerSecond)) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                "a starting rate must be a finite number >= 0, got " + bytesPerSecond);
        }
        return new MeasuredRate(empty(halfLifeNs).halfLifeNs, bytesPerSecond, 1);
    }

    /**
     * This average with one more sample: {@code bytes} moved in {@code elapsedNs}.
     *
     * @throws SchedulerException {@code BAD_ARGUMENT} when {@code bytes < 0} or {@code elapsedNs <= 0}
     */
    public MeasuredRate sample(long bytes, long elapsedNs) {
        if (bytes < 0 || elapsedNs <= 0) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                "a rate sample needs bytes >= 0 and elapsedNs > 0, got " + bytes + " bytes in " + elapsedNs + " ns");
        }
        final double sampleBytesPerSecond = bytes * 1e9 / elapsedNs;
        if (samples == 0) {
            return new MeasuredRate(halfLifeNs, sampleBytesPerSecond, 1);
        }
        final double weight = 1 - Math.pow(2, -(double) elapsedNs / halfLifeNs);
        return new MeasuredRate(halfLifeNs, bytesPerSecond + weight * (sampleBytesPerSecond - bytesPerSecond),
            samples + 1);
    }

    /** The average; 0 before the first sample. */
    public double bytesPerSecond() {
        return bytesPerSecond;
    }

    /** The average rounded to whole bytes per second, as {@link DeviceCapacity} wants it. */
    public long roundedBytesPerSecond() {
        return Math.round(bytesPerSecond);
    }

    public long halfLifeNs() {
        return halfLifeNs;
    }

    public long samples() {
        return samples;
    }

    @Override
    public String toString() {
        return Rates.format(bytesPerSecond) + " over " + samples + " samples (half-life " + halfLifeNs + " ns)";
    }
}
