package io.flowswitch.cli;

import io.flowswitch.fml.diag.Diagnostics;

/** The few JSON pieces {@code flowswitch devices --format json} needs, without a JSON library. */
final class Json {
    private Json() {
    }

    /** A JSON string literal, quotes included, or {@code null}; escaped as diagnostics are. */
    static String string(String value) {
        return value == null ? "null" : Diagnostics.quote(value);
    }
}
