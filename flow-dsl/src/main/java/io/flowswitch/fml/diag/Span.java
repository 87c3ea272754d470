package io.flowswitch.fml.diag;

import java.util.Objects;

/**
 * Where a piece of a program is: file name as given, 1-based line and column (in UTF-16 units of the
 * line), and length in characters on that line. Every AST node and every diagnostic carries one.
 * Immutable.
 */
public record Span(String file, int line, int col, int length) {
    public Span {
        Objects.requireNonNull(file, "file");
        if (line < 1 || col < 1 || length < 0) {
            throw new IllegalArgumentException("bad span " + line + ":" + col + " +" + length);
        }
    }

    /** The start of a file: for diagnostics about the whole input. */
    public static Span start(String file) {
        return new Span(file, 1, 1, 0);
    }

    /** From the start of this span to the end of {@code last}, clamped to this span's line. */
    public Span to(Span last) {
        if (last.line != line) {
            return this;
        }
        return new Span(file, line, col, Math.max(length, last.col + last.length - col));
    }

    /** {@code file:line:col}. */
    public String where() {
        return file + ":" + line + ":" + col;
    }

    @Override
    public String toString() {
        return where();
    }
}
