package io.flowswitch.fml.lex;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The units a number may carry. Sizes are binary (KiB = 1024 bytes); decimal sizes are refused because
 * they are ambiguous. Durations are held in nanoseconds, rates in bytes per second.
 */
public enum Unit {
    NONE(Dimension.COUNT, 1, ""),
    B(Dimension.SIZE, 1, "B"),
    KIB(Dimension.SIZE, 1L << 10, "KiB"),
    MIB(Dimension.SIZE, 1L << 20, "MiB"),
    GIB(Dimension.SIZE, 1L << 30, "GiB"),
    US(Dimension.DURATION, 1_000L, "us"),
    MS(Dimension.DURATION, 1_000_000L, "ms"),
    S(Dimension.DURATION, 1_000_000_000L, "s"),
    B_PER_S(Dimension.RATE, 1, "B/s"),
    KIB_PER_S(Dimension.RATE, 1L << 10, "KiB/s"),
    MIB_PER_S(Dimension.RATE, 1L << 20, "MiB/s"),
    GIB_PER_S(Dimension.RATE, 1L << 30, "GiB/s");

    /** What a number measures. */
    public enum Dimension {
        COUNT("a plain number"),
        SIZE("a size (B, KiB, MiB, GiB)"),
        DURATION("a duration (us, ms, s)"),
        RATE("a rate (B/s, KiB/s, MiB/s, GiB/s)");

        private final String description;

        Dimension(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final Dimension dimension;
    private final long factor;
    private final String symbol;

    Unit(Dimension dimension, long factor, String symbol) {
        this.dimension = dimension;
        this.factor = factor;
        this.symbol = symbol;
    }

    public Dimension dimension() {
        return dimension;
    }

    /** Base units (bytes, nanoseconds, bytes per second) per one of this unit. */
    public long factor() {
        return factor;
    }

    public String symbol() {
        return symbol;
    }

    /** The unit written as {@code symbol}, case-sensitive. */
    public static Optional<Unit> of(String symbol) {
        return Arrays.stream(values()).filter(u -> u != NONE && u.symbol.equals(symbol)).findFirst();
    }

    /** Every unit symbol, for messages. */
    public static String known() {
        return Arrays.stream(values()).filter(u -> u != NONE).map(Unit::symbol).collect(Collectors.joining(", "));
    }
}
