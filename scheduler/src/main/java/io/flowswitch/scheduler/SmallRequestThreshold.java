package io.flowswitch.scheduler;

/**
 * The request size below which a request skips flow set-up and runs on the direct software path.
 *
 * <p>With a set-up cost {@code S} (ns) and per-byte costs {@code f} on the flow path and {@code d} on
 * the direct path (ns/B), a request of {@code s} bytes costs {@code S + s·f} as a flow and {@code s·d}
 * directly. The direct path is cheaper exactly when {@code s·(d − f) < S}, so when the flow path is cheaper
 * per byte ({@code d > f}) the threshold is {@code S / (d − f)}, rounded up to whole bytes; otherwise a
 * flow never pays for itself and every request bypasses. A configured threshold overrides the calibrated
 * one. Immutable.
 *
 * @param thresholdBytes requests smaller than this bypass; {@link Long#MAX_VALUE} when all do
 * @param calibrated whether it was computed from measured costs (else configured)
 */
public record SmallRequestThreshold(long thresholdBytes, boolean calibrated) {
    public SmallRequestThreshold {
        if (thresholdBytes < 0) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                "a small-request threshold must be >= 0 bytes, got " + thresholdBytes);
        }
    }

    /**
     * The threshold from measured costs.
     *
     * @param setupNs cost of opening and closing one flow
     * @param flowNsPerByte cost per byte on the flow path
     * @param directNsPerByte cost per byte on the direct software path
     */
    public static SmallRequestThreshold calibrate(double setupNs, double flowNsPerByte, double directNsPerByte) {
        if (!(setupNs >= 0) || !(flowNsPerByte >= 0) || !(directNsPerByte >= 0) || Double.isInfinite(setupNs)
            || Double.isInfinite(flowNsPerByte) || Double.isInfinite(directNsPerByte)) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "calibration needs finite costs >= 0, got"
                + " set-up " + setupNs + " ns, flow " + flowNsPerByte + " ns/B, direct " + directNsPerByte + " ns/B");
        }
        final double savingNsPerByte = directNsPerByte - flowNsPerByte;
        if (savingNsPerByte <= 0) {
            return new SmallRequestThreshold(Long.MAX_VALUE, true);
        }
        final double threshold = Math.ceil(setupNs / savingNsPerByte);
        return new SmallRequestThreshold(threshold >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) threshold, true);
    }

    /** A configured threshold: requests below {@code thresholdBytes} bypass; 0 means none do. */
    public static SmallRequestThreshold override(long thresholdBytes) {
        return new SmallRequestThreshold(thresholdBytes, false);
    }

    /** Whether a request of {@code sizeBytes} takes the direct path. */
    public boolean bypass(long sizeBytes) {
        return sizeBytes < thresholdBytes;
    }

    /** Whether every request bypasses: the flow path is not cheaper per byte. */
    public boolean alwaysBypass() {
        return thresholdBytes == Long.MAX_VALUE;
    }

    @Override
    public String toString() {
        return (alwaysBypass() ? "always bypass" : "bypass below " + Rates.formatBytes(thresholdBytes))
            + (calibrated ? " (calibrated)" : " (configured)");
    }
}
