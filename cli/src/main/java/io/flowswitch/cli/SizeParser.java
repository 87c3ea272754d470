package io.flowswitch.cli;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Reads a byte size as the CLI accepts it: a whole number with an optional binary unit, e.g. {@code 4096},
 * {@code 64KiB}, {@code 1MiB}, {@code 256MiB}, {@code 1GiB} ({@code K}, {@code M}, {@code G}, {@code T}
 * are the same units). Decimal units ({@code KB}, {@code MB}) are refused: they are ambiguous.
 * Stateless and thread-safe. Public for the experiments' options.
 */
public final class SizeParser {
    public static final String EXAMPLES = "e.g. 4096, 64KiB, 1MiB, 256MiB, 1GiB";

    private SizeParser() {
    }

    /**
     * @return the size in bytes, never negative
     * @throws IllegalArgumentException with a message that quotes the text and shows valid examples
     */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a size is required (" + EXAMPLES + ")");
        }
        final String trimmed = text.trim();
        int digits = 0;
        while (digits < trimmed.length() && Character.isDigit(trimmed.charAt(digits))
            && trimmed.charAt(digits) < 128) {
            digits++;
        }
        if (digits == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a size: expected a whole number of bytes"
                + " with an optional unit (" + EXAMPLES + ")");
        }
        final String unit = trimmed.substring(digits).trim();
        final int shift = switch (unit.toLowerCase(Locale.ROOT)) {
            case "", "b" -> 0;
            case "k", "kib" -> 10;
            case "m", "mib" -> 20;
            case "g", "gib" -> 30;
            case "t", "tib" -> 40;
            case "kb", "mb", "gb", "tb" -> throw new IllegalArgumentException("'" + text + "': decimal units are"
                + " ambiguous; write " + trimmed.substring(0, digits) + unit.substring(0, 1).toUpperCase(Locale.ROOT)
                + "iB (binary units: KiB, MiB, GiB, TiB)");
            default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + unit
                + "': use B, KiB, MiB, GiB or TiB (" + EXAMPLES + ")");
        };
        final long number;
        try {
            number = Long.parseLong(trimmed.substring(0, digits));
        } catch (NumberFormatException e) {
            throw tooLarge(text);
        }
        if (number > (Long.MAX_VALUE >> shift)) {
            throw tooLarge(text);
        }
        return number << shift;
    }

    /** The exact size in the form {@link #parse} reads back: {@code 4096} is {@code 4KiB}, {@code 1000} stays {@code 1000}. */
    public static String format(long bytes) {
        final String[] units = {"", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        long value = bytes;
        while (value != 0 && value % 1024 == 0 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return value + units[unit];
    }

    private static IllegalArgumentException tooLarge(String text) {
        return new IllegalArgumentException("'" + text + "' is too large a size");
    }

    /** Picocli's hook: a bad size becomes a usage error that names the option. */
    public static final class Converter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
