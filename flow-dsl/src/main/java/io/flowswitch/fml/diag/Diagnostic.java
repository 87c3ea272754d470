package io.flowswitch.fml.diag;

import java.util.Objects;

/**
 * One finding about a program: a stable code, a severity, where, one sentence saying what is wrong,
 * and an optional help sentence saying what would be right. Immutable.
 *
 * @param help what the user can do; empty when there is nothing useful to say
 */
public record Diagnostic(Code code, Severity severity, Span span, String message, String help) {
    public Diagnostic {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(message, "message");
        help = help == null ? "" : help;
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The first line of the rendered form: {@code file:line:col: error FML030: message}. */
    public String headline() {
        return span.where() + ": " + severity.word() + " " + code.id() + ": " + message;
    }

    @Override
    public String toString() {
        return headline();
    }
}
