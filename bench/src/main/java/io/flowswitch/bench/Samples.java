package io.flowswitch.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The measured runs of one variant: wall time, process CPU time, and what the data plane reported. */
final class Samples {
    /**
     * One run. {@code flowNs} is -1 when the variant reports no time of its own; {@code otherNs} is the
     * CPU time other processes on the host used meanwhile, -1 when unknown.
     */
    record Run(long wallNs, long cpuNs, long flowNs, long otherNs) {
    }

    private final List<Run> runs = new ArrayList<>();

    void add(Run run) {
        runs.add(run);
    }

    int size() {
        return runs.size();
    }

    /** GB/s (10^9 bytes per second) of each run for {@code bytes} of input. */
    double[] gigabytesPerSecond(long bytes) {
        return runs.stream().mapToDouble(r -> bytes / (double) r.wallNs()).toArray();
    }

    /** Process CPU time over wall time, in percent (200 = both cores busy), per run. */
    double[] cpuPercent() {
        return runs.stream().mapToDouble(r -> 100.0 * r.cpuNs() / r.wallNs()).toArray();
    }

    /** CPU time other processes took during each run, in percent of one core over the run's wall time. */
    double[] otherPercent() {
        return runs.stream().filter(r -> r.otherNs() >= 0).mapToDouble(r -> 100.0 * r.otherNs() / r.wallNs()).toArray();
    }

    /** Process CPU nanoseconds per input byte, per run. */
    double[] cpuNsPerByte(long bytes) {
        return runs.stream().mapToDouble(r -> r.cpuNs() / (double) bytes).toArray();
    }

    /** Wall time not spent in the data plane (set-up and tear-down of a flow), in ms, for runs that report it. */
    double[] overheadMs() {
        return runs.stream().filter(r -> r.flowNs() >= 0).mapToDouble(r -> (r.wallNs() - r.flowNs()) / 1e6).toArray();
    }

    /**
     * The runs during which other processes used at most {@code maxOtherPercent} of one core: on a shared
     * host, the runs that had both cores to themselves.
     */
    Samples quiet(double maxOtherPercent) {
        final Samples quiet = new Samples();
        runs.stream().filter(r -> r.otherNs() >= 0 && 100.0 * r.otherNs() / r.wallNs() <= maxOtherPercent)
            .forEach(quiet::add);
        return quiet;
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
