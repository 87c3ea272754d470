package io.flowswitch.fml.diag;

import java.util.Locale;

/** How bad a diagnostic is. Only errors reject a program. */
public enum Severity {
    ERROR,
    WARNING,
    NOTE;

    /** The word used in rendered diagnostics: {@code error}, {@code warning}, {@code note}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
