package io.flowswitch.cli;

import java.util.Locale;

/** How the CLI prints bytes, rates and durations: binary units for sizes, decimal GB/s for rates. */
final class Units {
    private static final String[] BINARY = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {
    }

    /** {@code 512 B}, {@code 64.0 KiB}, {@code 256.0 MiB}. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < BINARY.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, BINARY[unit]);
    }

    /** Decimal rates, as the design's measurements are written: {@code 1.97 GB/s}, {@code 12.5 MB/s}. */
    static String rate(double bytesPerSecond) {
        if (bytesPerSecond >= 1e8) {
            return String.format(Locale.ROOT, "%.2f GB/s", bytesPerSecond / 1e9);
        }
        if (bytesPerSecond >= 1e5) {
            return String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f kB/s", bytesPerSecond / 1e3);
    }

    /** {@code 0.136 s}, {@code 12.3 s}. */
    static String seconds(long nanos) {
        final double seconds = nanos / 1e9;
        return String.format(Locale.ROOT, seconds < 10 ? "%.3f s" : "%.1f s", seconds);
    }

    static double perSecond(long bytes, long nanos) {
        return nanos <= 0 ? 0 : bytes * 1e9 / nanos;
    }
}
