package io.flowswitch.fml.diag;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the diagnostics of one run of the front end, across passes. After {@link #MAX_ERRORS} errors
 * it adds one {@link Code#FML006} note and drops the rest, so that no input can make the output grow
 * without bound. Not thread-safe: one reporter per run.
 */
public final class Reporter {
    /** Errors kept per run; a program with more has a problem that more messages will not explain. */
    public static final int MAX_ERRORS = 100;

    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private int errors;
    private boolean capped;

    public void error(Code code, Span span, String message, String help) {
        add(new Diagnostic(code, Severity.ERROR, span, message, help));
    }

    public void error(Code code, Span span, String message) {
        error(code, span, message, "");
    }

    public void warning(Code code, Span span, String message, String help) {
        add(new Diagnostic(code, Severity.WARNING, span, message, help));
    }

    public void add(Diagnostic diagnostic) {
        if (capped) {
            return;
        }
        if (diagnostic.isError() && errors == MAX_ERRORS) {
            capped = true;
            diagnostics.add(new Diagnostic(Code.FML006, Severity.NOTE, diagnostic.span(),
                "stopped after " + MAX_ERRORS + " errors", "fix the errors above and check again"));
            return;
        }
        if (diagnostic.isError()) {
            errors++;
        }
        diagnostics.add(diagnostic);
    }

    /** Errors reported so far. */
    public int errorCount() {
        return errors;
    }

    /** Whether an input, lexical or syntax error was reported ({@link Code#syntactic()}). */
    public boolean hasSyntaxErrors() {
        return diagnostics.stream().anyMatch(d -> d.isError() && d.code().syntactic());
    }

    public boolean hasErrors() {
        return errors > 0;
    }

    /** Everything reported, in source order (stable for diagnostics at the same place). */
    public Diagnostics result() {
        return new Diagnostics(diagnostics);
    }
}
