package io.flowswitch.fml.lex;

import io.flowswitch.fml.diag.Code;
import io.flowswitch.fml.diag.Reporter;
import io.flowswitch.fml.diag.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns program text into tokens, hand-written, in one pass. Comments run from {@code #} to the end of
 * the line; newlines separate nothing. An identifier may hold dashes between letters or digits
 * ({@code aes-gcm-encrypt}), so a subtraction needs spaces ({@code a - 1}). A number may carry a unit
 * right after it ({@code 64KiB}, {@code 10ms}, {@code 500MiB/s}). Every problem is reported and lexing
 * goes on, so that the parser sees the rest of the program. Not thread-safe; one lexer per text.
 */
public final class Lexer {
    /** Sizes written the decimal way; refused with a hint at the binary unit. */
    private static final Set<String> DECIMAL_SIZES = Set.of("k", "K", "KB", "kB", "kb", "M", "MB", "mb", "G", "GB",
        "gb", "T", "TB", "Kb", "Mb", "Gb");

    private final String file;
    private final String text;
    private final Reporter reporter;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;
    private int lineStart;

    private Lexer(String file, String text, Reporter reporter) {
        this.file = file;
        this.text = text;
        this.reporter = reporter;
    }

    /** Every token of {@code text}, ending with {@link TokenKind#EOF}; problems go to {@code reporter}. */
    public static List<Token> lex(String file, String text, Reporter reporter) {
        final Lexer lexer = new Lexer(file, text, reporter);
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        while (true) {
            skipSpaceAndComments();
            if (pos >= text.length()) {
                tokens.add(Token.of(TokenKind.EOF, "", span(pos, 0)));
                return;
            }
            final char c = text.charAt(pos);
            if (isIdentStart(c)) {
                identifier();
            } else if (isDigit(c)) {
                number();
            } else if (c == '"') {
                string();
            } else {
                punctuation(c);
            }
        }
    }

    private void skipSpaceAndComments() {
        while (pos < text.length()) {
            final char c = text.charAt(pos);
            if (c == '\n' || c == '\r') {
                pos++;
                if (c == '\r' && pos < text.length() && text.charAt(pos) == '\n') {
                    pos++;
                }
                line++;
                lineStart = pos;
            } else if (c == ' ' || c == '\t' || c == '\f') {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private void identifier() {
        final int start = pos;
        pos++;
        while (pos < text.length()) {
            final char c = text.charAt(pos);
            if (isIdentPart(c)) {
                pos++;
            } else if (c == '-' && pos + 1 < text.length() && isIdentPart(text.charAt(pos + 1))) {
                pos += 2;
            } else {
                break;
            }
        }
        tokens.add(Token.of(TokenKind.IDENT, text.substring(start, pos), span(start, pos - start)));
    }

    private void number() {
        final int start = pos;
        long value = 0;
        boolean overflow = false;
        if (text.startsWith("0x", pos) || text.startsWith("0X", pos)) {
            pos += 2;
            final int digits = pos;
            while (pos < text.length() && Character.digit(text.charAt(pos), 16) >= 0) {
                if ((value >>> 59) != 0) {
                    overflow = true;
                }
                value = value * 16 + Character.digit(text.charAt(pos), 16);
                pos++;
            }
            if (pos == digits) {
                skipWordChars();
                error(Code.FML013, start, "malformed number '" + text.substring(start, pos) + "'",
                    "write hex digits after 0x, e.g. 0x1f");
                return;
            }
        } else {
            while (pos < text.length() && (isDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                final char c = text.charAt(pos++);
                if (c == '_') {
                    continue;
                }
                try {
                    value = Math.addExact(Math.multiplyExact(value, 10), c - '0');
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
            if (pos + 1 < text.length() && text.charAt(pos) == '.' && isDigit(text.charAt(pos + 1))) {
                pos++;
                skipWordChars();
                if (text.startsWith("/s", pos)) {
                    pos += 2;
                }
                error(Code.FML013, start, "fractions are not supported: '" + text.substring(start, pos) + "'",
                    "write a whole number in a smaller unit, e.g. 1536KiB for 1.5MiB");
                return;
            }
        }
        final int unitStart = pos;
        while (pos < text.length() && isLetter(text.charAt(pos))) {
            pos++;
        }
        String symbol = text.substring(unitStart, pos);
        if (!symbol.isEmpty() && pos + 1 < text.length() && text.charAt(pos) == '/' && text.charAt(pos + 1) == 's'
            && (pos + 2 >= text.length() || !isIdentPart(text.charAt(pos + 2)))) {
            pos += 2;
            symbol = symbol + "/s";
        }
        // A unit glued to more word characters ("10msx", "4KiB2") is one bad unit, not two tokens.
        final int beforeTail = pos;
        skipWordChars();
        if (pos != beforeTail) {
            symbol = text.substring(unitStart, pos);
        }
        if (overflow) {
            error(Code.FML013, start, "number '" + text.substring(start, pos) + "' is too large",
                "numbers must fit in 63 bits");
            return;
        }
        Unit unit = Unit.NONE;
        if (!symbol.isEmpty()) {
            unit = Unit.of(symbol).orElse(null);
            if (unit == null) {
                final String base = symbol.endsWith("/s") ? symbol.substring(0, symbol.length() - 2) : symbol;
                final String help = DECIMAL_SIZES.contains(base)
                    ? "sizes are binary: write " + binaryFor(base) + (symbol.endsWith("/s") ? "/s" : "")
                        + " (decimal units are ambiguous and not accepted)"
                    : "known units: " + Unit.known();
                error(Code.FML014, unitStart, "unknown unit '" + symbol + "' in '" + text.substring(start, pos) + "'",
                    help);
                return;
            }
        }
        final long scaled;
        try {
            scaled = Math.multiplyExact(value, unit.factor());
        } catch (ArithmeticException e) {
            error(Code.FML013, start, "number '" + text.substring(start, pos) + "' is too large",
                "numbers must fit in 63 bits once converted to bytes, nanoseconds or bytes per second");
            return;
        }
        tokens.add(new Token(TokenKind.NUMBER, text.substring(start, pos), span(start, pos - start), scaled, unit));
    }

    private static String binaryFor(String decimal) {
        return switch (decimal.toUpperCase(Locale.ROOT).charAt(0)) {
            case 'K' -> "KiB";
            case 'M' -> "MiB";
            case 'G' -> "GiB";
            default -> "GiB";
        };
    }

    private void skipWordChars() {
        while (pos < text.length() && (isIdentPart(text.charAt(pos)) || text.charAt(pos) == '.'
            && pos + 1 < text.length() && isDigit(text.charAt(pos + 1)))) {
            pos++;
        }
    }

    private void string() {
        final int start = pos;
        pos++;
        final StringBuilder value = new StringBuilder();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n' || text.charAt(pos) == '\r') {
                error(Code.FML011, start, "unterminated string", "close it with '\"' on the same line");
                tokens.add(Token.of(TokenKind.STRING, value.toString(), span(start, pos - start)));
                return;
            }
            final char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                break;
            }
            if (c == '\\') {
                final char next = pos + 1 < text.length() ? text.charAt(pos + 1) : ' ';
                switch (next) {
                    case '"' -> value.append('"');
                    case '\\' -> value.append('\\');
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    default -> reporter.error(Code.FML012, span(pos, 2),
                        "unknown escape '\\" + (next < ' ' ? "" : String.valueOf(next)) + "' in a string",
                        "known escapes: \\\" \\\\ \\n \\t");
                }
                pos += (next == '\n' || next == '\r') ? 1 : 2;
                continue;
            }
            value.append(c);
            pos++;
        }
        tokens.add(Token.of(TokenKind.STRING, value.toString(), span(start, pos - start)));
    }

    private void punctuation(char c) {
        final int start = pos;
        final TokenKind kind = switch (c) {
            case '{' -> TokenKind.LBRACE;
            case '}' -> TokenKind.RBRACE;
            case '(' -> TokenKind.LPAREN;
            case ')' -> TokenKind.RPAREN;
            case '=' -> TokenKind.EQ;
            case ',' -> TokenKind.COMMA;
            case ';' -> TokenKind.SEMI;
            case ':' -> TokenKind.COLON;
            case '+' -> TokenKind.PLUS;
            case '-' -> TokenKind.MINUS;
            case '*' -> TokenKind.STAR;
            case '&' -> TokenKind.AMP;
            case '|' -> TokenKind.PIPE;
            case '.' -> text.startsWith("..", pos) ? TokenKind.DOTDOT : TokenKind.DOT;
            case '<' -> text.startsWith("<<", pos) ? TokenKind.SHL : null;
            case '>' -> text.startsWith(">>", pos) ? TokenKind.SHR : null;
            default -> null;
        };
        if (kind == null) {
            // One message for a run of characters the language does not use.
            while (pos < text.length() && isStray(text.charAt(pos))) {
                pos += Character.isHighSurrogate(text.charAt(pos)) && pos + 1 < text.length() ? 2 : 1;
            }
            if (pos == start) {
                pos++;
            }
            final String shown = text.substring(start, Math.min(pos, start + 20));
            error(Code.FML010, start, "unexpected character" + (pos - start > 1 ? "s" : "") + " '" + shown + "'",
                Character.isLetter(text.codePointAt(start))
                    ? "names use ASCII letters, digits, '_' and '-'; put other text in a string"
                    : "");
            return;
        }
        pos += kind == TokenKind.DOTDOT || kind == TokenKind.SHL || kind == TokenKind.SHR ? 2 : 1;
        tokens.add(Token.of(kind, text.substring(start, pos), span(start, pos - start)));
    }

    private static boolean isStray(char c) {
        return !(isIdentPart(c) || c == '"' || c == '#' || c <= ' ' || "{}()=,;:+-*&|.".indexOf(c) >= 0);
    }

    /** Reports a problem and leaves an {@link TokenKind#ERROR} token covering start..pos. */
    private void error(Code code, int start, String message, String help) {
        final Span span = span(start, Math.max(1, pos - start));
        reporter.error(code, span, message, help);
        tokens.add(Token.of(TokenKind.ERROR, text.substring(start, Math.min(pos, text.length())), span));
    }

    private Span span(int start, int length) {
        // Tokens never span lines (strings stop at the line end), so the column is from this line's start.
        return new Span(file, line, start - lineStart + 1, length);
    }

    private static boolean isIdentStart(char c) {
        return isLetter(c) || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return isLetter(c) || isDigit(c) || c == '_';
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
