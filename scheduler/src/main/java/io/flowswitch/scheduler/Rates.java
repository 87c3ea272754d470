package io.flowswitch.scheduler;

import java.util.Locale;

/** Formats byte rates for people: {@code 450 MiB/s}, {@code 1.5 GiB/s}, {@code 512 B/s}. Stateless. */
public final class Rates {
    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private Rates() {
    }

    /** {@code bytesPerSecond} in the largest binary unit that keeps it at least 1, with at most one decimal. */
    public static String format(double bytesPerSecond) {
        return format(bytesPerSecond, "/s");
    }

    /** A byte count in the same style, without the "/s". */
    public static String formatBytes(double bytes) {
        return format(bytes, "");
    }

    private static String format(double value, String suffix) {
        final double magnitude = Math.abs(value);
        if (magnitude >= GIB) {
            return number(value / GIB) + " GiB" + suffix;
        }
        if (magnitude >= MIB) {
            return number(value / MIB) + " MiB" + suffix;
        }
        if (magnitude >= KIB) {
            return number(value / KIB) + " KiB" + suffix;
        }
        return number(value) + " B" + suffix;
    }

    private static String number(double value) {
        final double tenths = Math.round(value * 10) / 10.0;
        return tenths == Math.rint(tenths)
            ? Long.toString((long) tenths)
            : String.format(Locale.ROOT, "%.1f", tenths);
    }
}
