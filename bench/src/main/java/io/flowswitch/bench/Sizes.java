package io.flowswitch.bench;

import java.util.Locale;

/** Byte sizes on the command line ({@code 1GiB}, {@code 64KiB}, {@code 500MB}, {@code 4096}) and in reports. */
final class Sizes {
    private Sizes() {
    }

    /**
     * Parses a size: a whole number with an optional unit, KiB/MiB/GiB (or K/M/G) binary, KB/MB/GB decimal.
     *
     * @throws IllegalArgumentException naming the text when it is not a size
     */
    static long parse(String text) {
        final String t = text.trim();
        int split = 0;
        while (split < t.length() && Character.isDigit(t.charAt(split))) {
            split++;
        }
        if (split == 0) {
            throw new IllegalArgumentException("not a size: '" + text + "' (expected e.g. 1GiB, 64KiB, 4096)");
        }
        final long number = Long.parseLong(t.substring(0, split));
        final long unit = switch (t.substring(split).trim().toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "k", "kib" -> 1L << 10;
            case "m", "mib" -> 1L << 20;
            case "g", "gib" -> 1L << 30;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            default -> throw new IllegalArgumentException(
                "unknown unit in '" + text + "': use B, KiB, MiB, GiB, KB, MB or GB");
        };
        return Math.multiplyExact(number, unit);
    }

    /** {@code 1 GiB}, {@code 64 KiB}, {@code 1.5 MiB}, {@code 100 B}. */
    static String format(long bytes) {
        final String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return (value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
            : String.format(Locale.ROOT, "%.1f", value)) + " " + units[unit];
    }
}
