package io.flowswitch.https;

/**
 * The part of a file a response carries, from the request's {@code Range} field (RFC 9110, section 14):
 * one range of bytes. A field we do not understand, or one with several ranges, is ignored (the whole
 * file is sent, as the RFC allows); a range that starts past the end is unsatisfiable (416).
 *
 * @param start first byte
 * @param length bytes
 * @param partial whether the response is 206 with a {@code Content-Range}
 * @param satisfiable false for 416
 */
public record ByteRange(long start, long length, boolean partial, boolean satisfiable) {
    public static ByteRange whole(long size) {
        return new ByteRange(0, size, false, true);
    }

    /** Interprets {@code header} (may be null) against a file of {@code size} bytes. */
    public static ByteRange of(String header, long size) {
        if (header == null) {
            return whole(size);
        }
        final String value = header.strip();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6) || value.indexOf(',') >= 0) {
            return whole(size);
        }
        final String spec = value.substring(6).strip();
        final int dash = spec.indexOf('-');
        if (dash < 0) {
            return whole(size);
        }
        final String first = spec.substring(0, dash);
        final String last = spec.substring(dash + 1);
        try {
            if (first.isEmpty()) {
                // bytes=-N: the last N bytes.
                final long suffix = digits(last);
                if (suffix == 0) {
                    return unsatisfiable();
                }
                final long length = Math.min(suffix, size);
                return size == 0 ? unsatisfiable() : new ByteRange(size - length, length, true, true);
            }
            final long start = digits(first);
            final long end = last.isEmpty() ? Long.MAX_VALUE : digits(last);
            if (end < start) {
                return whole(size);
            }
            if (start >= size) {
                return unsatisfiable();
            }
            final long endInclusive = Math.min(end, size - 1);
            return new ByteRange(start, endInclusive - start + 1, true, true);
        } catch (NumberFormatException e) {
            return whole(size);
        }
    }

    private static ByteRange unsatisfiable() {
        return new ByteRange(0, 0, false, false);
    }

    private static long digits(String text) {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
            throw new NumberFormatException(text);
        }
        return Long.parseLong(text);
    }
}
