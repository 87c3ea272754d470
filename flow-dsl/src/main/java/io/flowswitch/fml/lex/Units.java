package io.flowswitch.fml.lex;

/** Numbers back into FML's units, for plans and messages: the largest unit that states them exactly. */
public final class Units {
    private Units() {
    }

    /** {@code 65536} → {@code 64KiB}. */
    public static String size(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "MiB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + "KiB";
        }
        return bytes + "B";
    }

    public static String rate(long bytesPerSecond) {
        return size(bytesPerSecond) + "/s";
    }

    public static String duration(long nanos) {
        if (nanos != 0 && nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos != 0 && nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return nanos / 1_000L + "us";
    }
}
