package io.flowswitch.fml.diag;

/**
 * The stable codes of FML diagnostics. A code never changes its meaning; retired codes are not reused.
 * The table in {@code docs/fml.md} lists the same codes, and every code has a reject case among the
 * golden tests.
 */
public enum Code {
    // 00x: the input as a whole
    FML001("input too large"),
    FML002("input is not UTF-8 text"),
    FML003("input looks binary"),
    FML004("empty program"),
    FML005("nesting too deep"),
    FML006("too many errors"),

    // 01x: lexical
    FML010("unexpected character"),
    FML011("unterminated string"),
    FML012("bad escape in string"),
    FML013("number too large or malformed"),
    FML014("unknown unit"),

    // 02x: syntax
    FML020("syntax error"),
    FML021("unknown statement"),
    FML022("unknown policy setting"),
    FML023("unknown ladder step"),
    FML024("unknown event"),
    FML025("more than one flow in a file"),

    // 03x: names
    FML030("unknown device kind"),
    FML031("unknown name"),
    FML032("unknown stage"),
    FML033("duplicate declaration"),
    FML034("ambiguous stage name"),
    FML035("key given as text"),
    FML036("unused key"),

    // 04x: structure and types (verifier pass 1)
    FML040("flow has no source"),
    FML041("flow has no sink"),
    FML042("device has the wrong role"),
    FML043("stage not connected"),
    FML044("value of the wrong kind"),
    FML045("ladder step out of order"),
    FML046("unreachable ladder step"),
    FML047("repeated ladder step"),
    FML048("step not allowed for this event"),
    FML049("split and join do not match"),

    // 05x: header programs
    FML050("unknown header operand"),
    FML051("header field used before it is defined"),
    FML052("header program too large"),
    FML053("constant does not fit its field"),
    FML054("unknown header type or function"),
    FML055("header check without a length field"),
    FML056("split without a header part"),
    FML057("mtu-change rule without a framer"),

    // 06x/07x: resources and bounds (verifier pass 2)
    FML060("chunk size out of bounds"),
    FML061("replicas out of bounds"),
    FML062("rate out of bounds"),
    FML063("duration out of bounds"),
    FML064("number out of bounds"),
    FML065("stateful stage replicated"),
    FML066("only transforms can be replicated"),
    FML067("no software path"),
    FML068("redirect to a device of another role"),
    FML069("device rejected a parameter"),
    FML070("device cannot leave a range untouched"),
    FML071("device cannot run here"),
    FML072("ladder step cannot run"),
    FML073("invalid fault"),

    // 08x: rights
    FML080("unknown principal"),
    FML081("device not granted"),
    FML082("more instances than granted"),
    FML083("rate above the granted rate"),
    FML084("invalid grants configuration"),

    // 09x: planning
    FML090("not supported by the runtime yet");

    private final String title;

    Code(String title) {
        this.title = title;
    }

    /**
     * Whether the code is about the input, its characters or its grammar: after such an error the tree is
     * incomplete, and the name and verification passes do not run on it.
     */
    public boolean syntactic() {
        return compareTo(FML025) <= 0;
    }

    /** The code as written in diagnostics, e.g. {@code FML030}. */
    public String id() {
        return name();
    }

    /** A few words naming what the code is about, for the documentation table. */
    public String title() {
        return title;
    }
}
