package io.flowswitch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Busy CPU time of the whole host, from the first line of {@code /proc/stat}, so that a run can tell how
 * much CPU other processes took while it ran (this machine is shared, and 2 cores leave no slack).
 * Resolution is one clock tick (usually 10 ms). Returns -1 where {@code /proc/stat} is not readable.
 */
final class HostCpu {
    private static final Path PROC_STAT = Path.of("/proc/stat");
    private static final long NANOS_PER_TICK = 10_000_000L;

    private HostCpu() {
    }

    /** Nanoseconds all cores spent busy since boot (user, nice, system, irq, softirq, steal). */
    static long busyNs() {
        try {
            final String line = Files.readAllLines(PROC_STAT).get(0);
            final String[] f = line.trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                if (i < f.length) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
