package io.flowswitch.fml.lex;

import io.flowswitch.fml.diag.Code;
import io.flowswitch.fml.diag.Reporter;
import io.flowswitch.fml.diag.Span;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The checks on a program's input before lexing: size, encoding (UTF-8, optionally with a byte order
 * mark), and text rather than binary. Stateless.
 */
public final class SourceText {
    /** Largest program accepted, in bytes (or characters, for text handed over as a string): 1 MiB. */
    public static final int MAX_BYTES = 1 << 20;

    private SourceText() {
    }

    /** A decoded input: the text to show in diagnostics, and whether it may be lexed. */
    public record Decoded(String text, boolean usable) {
    }

    /**
     * Decodes {@code bytes} as UTF-8 and checks it.
     *
     * @param totalBytes the size of the whole input, which may be larger than {@code bytes} when the
     *                   caller read only the first {@link #MAX_BYTES} + 1 bytes
     */
    public static Decoded decode(String file, byte[] bytes, long totalBytes, Reporter reporter) {
        if (totalBytes > MAX_BYTES || bytes.length > MAX_BYTES) {
            reporter.error(Code.FML001, Span.start(file), "input is " + Math.max(totalBytes, bytes.length)
                + " bytes; programs may be at most " + MAX_BYTES + " bytes (1 MiB)", "is this the right file?");
            return new Decoded("", false);
        }
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
            || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            reporter.error(Code.FML002, Span.start(file), "input is UTF-16 (it starts with a UTF-16 byte order mark)",
                "save the program as UTF-8");
            return new Decoded("", false);
        }
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        final ByteBuffer in = ByteBuffer.wrap(bytes);
        final CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            out.flip();
            final String before = out.toString();
            final Span at = spanAfter(file, before);
            reporter.error(Code.FML002, new Span(file, at.line(), at.col(), 1), "input is not valid UTF-8: byte 0x"
                + String.format("%02x", bytes[in.position()] & 0xff) + " at offset " + in.position()
                + " cannot start or continue a character", "save the program as UTF-8");
            return new Decoded(new String(bytes, StandardCharsets.UTF_8), false);
        }
        out.flip();
        String text = out.toString();
        if (text.startsWith("\ufeff")) {
            // A UTF-8 byte order mark says nothing we need; editors on some systems write one.
            text = text.substring(1);
        }
        return new Decoded(text, checkText(file, text, reporter));
    }

    /**
     * Checks text handed over as a string: size, and no control characters but tab, form feed and line ends.
     *
     * @return whether the text may be lexed
     */
    public static boolean checkText(String file, String text, Reporter reporter) {
        if (text.length() > MAX_BYTES) {
            reporter.error(Code.FML001, Span.start(file), "input is " + text.length()
                + " characters; programs may be at most " + MAX_BYTES + " bytes (1 MiB)", "is this the right file?");
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f) {
                final Span at = spanAfter(file, text.substring(0, i));
                reporter.error(Code.FML003, new Span(file, at.line(), at.col(), 1), "input looks binary: control character "
                    + String.format("U+%04X", (int) c) + " at line " + at.line(), "FML programs are UTF-8 text");
                return false;
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1)))) {
                if (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1))) {
                    continue;
                }
                final Span at = spanAfter(file, text.substring(0, i));
                reporter.error(Code.FML002, new Span(file, at.line(), at.col(), 1),
                    "input is not valid Unicode text: a lone surrogate at line " + at.line(), "save the program as UTF-8");
                return false;
            }
        }
        return true;
    }

    /** The position just after {@code before}, counting lines as the lexer does. */
    private static Span spanAfter(String file, String before) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < before.length(); i++) {
            final char c = before.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= before.length() || before.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return new Span(file, line, before.length() - lineStart + 1, 0);
    }
}
