package io.flowswitch.fml.lex;

import io.flowswitch.fml.diag.Span;

/**
 * One token. For {@link TokenKind#NUMBER}, {@code value} is the number in base units (bytes,
 * nanoseconds, bytes per second, or as written for {@link Unit#NONE}) and {@code unit} what was written;
 * for a {@link TokenKind#STRING}, {@code text} is the value with escapes resolved. Immutable.
 */
public record Token(TokenKind kind, String text, Span span, long value, Unit unit) {
    public static Token of(TokenKind kind, String text, Span span) {
        return new Token(kind, text, span, 0, Unit.NONE);
    }

    public boolean is(TokenKind k) {
        return kind == k;
    }

    /** An identifier spelled {@code word}: how the parser recognises keywords. */
    public boolean isWord(String word) {
        return kind == TokenKind.IDENT && text.equals(word);
    }

    /** How messages quote the token: {@code 'via'}, {@code "x"}, or the kind for the end of the file. */
    public String describe() {
        final String shown = text.length() > 40 ? text.substring(0, 37) + "..." : text;
        return switch (kind) {
            case EOF -> kind.description();
            case STRING -> "string \"" + shown + "\"";
            default -> "'" + shown + "'";
        };
    }
}
