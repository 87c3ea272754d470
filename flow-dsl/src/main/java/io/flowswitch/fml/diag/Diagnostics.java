package io.flowswitch.fml.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The diagnostics of one program, in source order, with their two renderings: text for people
 * ({@link #render}) and JSON for tools ({@link #renderJson}). Immutable and thread-safe.
 *
 * <p>The text form of one diagnostic:
 * <pre>
 * examples/bad.fml:7:9: error FML081: device 'aes-card' is not granted to principal 'web'
 *     7 |     via aes-card(key = k1) replicas 4
 *       |         ^^^^^^^^
 *   help: grant it under flowswitch.grants.web, or use the software device 'aes-gcm-encrypt'
 * </pre>
 */
public final class Diagnostics {
    /** Longest stretch of a source line shown; longer lines are cut around the caret. */
    static final int MAX_SHOWN = 120;

    private static final Comparator<Diagnostic> BY_POSITION =
        Comparator.comparingInt((Diagnostic d) -> d.span().line()).thenComparingInt(d -> d.span().col());

    private final List<Diagnostic> list;

    public Diagnostics(List<Diagnostic> diagnostics) {
        final List<Diagnostic> sorted = new ArrayList<>(diagnostics);
        // Stable sort: findings at one place stay in the order the passes made them.
        sorted.sort(BY_POSITION);
        this.list = List.copyOf(sorted);
    }

    public static Diagnostics none() {
        return new Diagnostics(List.of());
    }

    public List<Diagnostic> list() {
        return list;
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public boolean hasErrors() {
        return errorCount() > 0;
    }

    public int errorCount() {
        return (int) list.stream().filter(Diagnostic::isError).count();
    }

    public int warningCount() {
        return (int) list.stream().filter(d -> d.severity() == Severity.WARNING).count();
    }

    /** {@code 2 errors, 1 warning}, or {@code no problems}. */
    public String summary() {
        final int errors = errorCount();
        final int warnings = warningCount();
        if (errors == 0 && warnings == 0) {
            return "no problems";
        }
        return plural(errors, "error") + ", " + plural(warnings, "warning");
    }

    /**
     * Every diagnostic as text, each followed by a blank line, then {@link #summary()} on a line.
     *
     * @param source the program text the spans point into (for the quoted line and caret); lines it does
     *               not have are left out
     */
    public String render(String source) {
        final String[] lines = source == null ? new String[0] : source.split("\r\n|\r|\n", -1);
        final StringBuilder out = new StringBuilder();
        for (Diagnostic d : list) {
            renderOne(d, lines, out);
            out.append('\n');
        }
        out.append(summary()).append('\n');
        return out.toString();
    }

    private static void renderOne(Diagnostic d, String[] lines, StringBuilder out) {
        out.append(d.headline()).append('\n');
        final Span span = d.span();
        if (span.line() <= lines.length) {
            final String line = lines[span.line() - 1];
            // Cut a long line to a window that holds the caret.
            int from = 0;
            int to = line.length();
            if (to > MAX_SHOWN) {
                from = Math.max(0, Math.min(span.col() - 1 - MAX_SHOWN / 3, line.length() - MAX_SHOWN));
                to = from + MAX_SHOWN;
            }
            final String number = Integer.toString(span.line());
            final int width = Math.max(5, number.length());
            out.append(" ".repeat(width - number.length())).append(number).append(" | ");
            if (from > 0) {
                out.append("...");
            }
            final StringBuilder pad = new StringBuilder(from > 0 ? "   " : "");
            for (int i = from; i < to; i++) {
                final char c = line.charAt(i);
                out.append(printable(c));
                if (i < span.col() - 1) {
                    pad.append(c == '\t' ? '\t' : ' ');
                }
            }
            if (to < line.length()) {
                out.append("...");
            }
            out.append('\n');
            final int caretStart = Math.min(span.col() - 1, to);
            final int caretEnd = Math.min(Math.max(span.col() - 1 + span.length(), caretStart + 1), to + 1);
            out.append(" ".repeat(width)).append(" | ")
                .append(pad).append("^".repeat(Math.max(1, caretEnd - caretStart))).append('\n');
        }
        if (!d.help().isEmpty()) {
            out.append("  help: ").append(d.help()).append('\n');
        }
    }

    /** Control characters would garble a terminal: show them as U+FFFD. */
    private static char printable(char c) {
        if (c == '\t') {
            return c;
        }
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
            return '\ufffd';
        }
        return c;
    }

    /**
     * The diagnostics as one JSON object: {@code {"diagnostics":[{"code","severity","file","line",
     * "column","length","message","help"}...],"errors":N,"warnings":M}}.
     */
    public String renderJson() {
        final StringBuilder out = new StringBuilder("{\"diagnostics\":[");
        for (int i = 0; i < list.size(); i++) {
            final Diagnostic d = list.get(i);
            if (i > 0) {
                out.append(',');
            }
            out.append("{\"code\":").append(quote(d.code().id()))
                .append(",\"severity\":").append(quote(d.severity().word()))
                .append(",\"file\":").append(quote(d.span().file()))
                .append(",\"line\":").append(d.span().line())
                .append(",\"column\":").append(d.span().col())
                .append(",\"length\":").append(d.span().length())
                .append(",\"message\":").append(quote(d.message()))
                .append(",\"help\":").append(quote(d.help()))
                .append('}');
        }
        out.append("],\"errors\":").append(errorCount()).append(",\"warnings\":").append(warningCount()).append('}');
        return out.toString();
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        final StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    @Override
    public String toString() {
        return list.toString();
    }
}
