package io.flowswitch.fml.parse;

import io.flowswitch.fml.diag.Span;
import io.flowswitch.fml.lex.Unit;
import java.util.List;
import java.util.Optional;

/**
 * The syntax tree of an FML program, as written: nothing is resolved or checked here beyond the grammar.
 * Every node carries the {@link Span} of its text. All nodes are immutable records.
 */
public final class Ast {
    private Ast() {
    }

    /** Anything with a place in the source. */
    public interface Node {
        Span span();
    }

    /** A parameter value. */
    public sealed interface Value extends Node permits Str, Num, Ident {
    }

    /** A header expression. */
    public sealed interface Expr extends Node permits Num, Operand, Call, Binary {
    }

    /** A statement in a flow body. */
    public sealed interface Statement extends Node permits Chunk, TransportStmt, Keys, Stage, Policy, On, Header,
        Split, Join {
    }

    /** One rule of an exception ladder. */
    public sealed interface Rule extends Node permits Retry, Ignore, Redirect, Notify, Fallback, Terminate {
        /** The ladder step (1 to 5) the rule belongs to. */
        int step();

        /** The rule as written, e.g. {@code retry 3 backoff 10ms}. */
        String text();
    }

    /** A name: a flow, key, stage, device kind, parameter, keyword argument. */
    public record Ident(String text, Span span) implements Value {
    }

    public record Str(String value, Span span) implements Value {
    }

    /** A number as written ({@code text}) and in base units ({@code value}: bytes, ns, bytes/s). */
    public record Num(long value, Unit unit, String text, Span span) implements Value, Expr {
    }

    /** A file: normally exactly one flow. */
    public record Program(Span span, List<Flow> flows) implements Node {
    }

    public record Flow(Span span, Ident name, Optional<Str> principal, List<Statement> body) implements Node {
    }

    /** {@code chunk 64KiB}. */
    public record Chunk(Span span, Num size) implements Statement {
    }

    /** {@code transport fused} or {@code transport aeron}. */
    public record TransportStmt(Span span, Ident mode) implements Statement {
    }

    /** {@code key k1, k2}: keys the application hands the flow by name. */
    public record Keys(Span span, List<Ident> names) implements Statement {
    }

    /** Which keyword introduced a stage. */
    public enum Role {
        SOURCE("source"),
        VIA("via"),
        SINK("sink"),
        TEE("tee");

        private final String keyword;

        Role(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    /**
     * {@code source|via|sink|tee device [as name] [replicas n|auto] [pass a..b]}.
     *
     * @param replicas empty when not written; a {@link Replicas} with no count for {@code auto}
     */
    public record Stage(Span span, Role role, Device device, Optional<Ident> alias, Optional<Replicas> replicas,
                        Optional<Range> pass) implements Statement {
        /** The name rules refer to the stage by: its alias, else its device kind. */
        public Ident name() {
            return alias.orElse(device.kind());
        }
    }

    /** {@code kind(name = value, ...)}. */
    public record Device(Span span, Ident kind, List<Param> params) implements Node {
    }

    public record Param(Span span, Ident name, Value value) implements Node {
    }

    /** {@code replicas 4}, or {@code replicas auto} when {@code count} is empty. */
    public record Replicas(Span span, Optional<Num> count) implements Node {
    }

    /** {@code pass 0..16}: bytes {@code from} (inclusive) to {@code to} (exclusive) of each chunk left as they are. */
    public record Range(Span span, Num from, Num to) implements Node {
    }

    public record Policy(Span span, List<Setting> settings) implements Statement {
    }

    /** {@code rate 500MiB/s}, {@code priority 2}, {@code small-request-threshold 16KiB}, {@code timeout 30s}. */
    public record Setting(Span span, Ident name, Num value) implements Node {
    }

    /**
     * {@code on stage NAME { rules }} ({@code stage} true) or {@code on EVENT { rules }} for an external
     * exception.
     */
    public record On(Span span, boolean stage, Ident target, List<Rule> rules) implements Statement {
    }

    public record Retry(Span span, Num times, Optional<Num> backoff) implements Rule {
        @Override
        public int step() {
            return 1;
        }

        @Override
        public String text() {
            return "retry " + times.text() + backoff.map(b -> " backoff " + b.text()).orElse("");
        }
    }

    /** {@code ignore transient}: drop a non-persistent error where the flow allows it. */
    public record Ignore(Span span) implements Rule {
        @Override
        public int step() {
            return 1;
        }

        @Override
        public String text() {
            return "ignore transient";
        }
    }

    /** {@code redirect instance} (kind empty) or {@code redirect kind K}. */
    public record Redirect(Span span, Optional<Ident> kind) implements Rule {
        @Override
        public int step() {
            return 2;
        }

        @Override
        public String text() {
            return kind.map(k -> "redirect kind " + k.text()).orElse("redirect instance");
        }
    }

    public record Notify(Span span) implements Rule {
        @Override
        public int step() {
            return 3;
        }

        @Override
        public String text() {
            return "notify";
        }
    }

    /** {@code fallback software}. */
    public record Fallback(Span span) implements Rule {
        @Override
        public int step() {
            return 4;
        }

        @Override
        public String text() {
            return "fallback software";
        }
    }

    public record Terminate(Span span) implements Rule {
        @Override
        public int step() {
            return 5;
        }

        @Override
        public String text() {
            return "terminate";
        }
    }

    /**
     * {@code header { field [: type] = expr; ... }}: a header program for a framer at this point of the chain;
     * with {@code check} ({@code header check { ... }}), the receiving side: records framed by the same
     * program are checked and their headers taken off. {@code params}: the framer's {@code mtu} and an injected
     * {@code fault}, as a device's ({@code header(mtu = 1500B) { ... }}).
     */
    public record Header(Span span, List<Field> fields, boolean check, List<Param> params) implements Statement {
    }

    public record Field(Span span, Ident name, Optional<Ident> type, Expr expr) implements Node {
    }

    /** {@code sequence}, {@code payload.length}, or an earlier field. */
    public record Operand(Span span, List<Ident> path) implements Expr {
        public String text() {
            return String.join(".", path.stream().map(Ident::text).toList());
        }
    }

    /** {@code crc32c(payload)}. */
    public record Call(Span span, Ident function, List<Expr> args) implements Expr {
    }

    public record Binary(Span span, String op, Expr left, Expr right) implements Expr {
    }

    /** {@code split}: the stages up to {@code join} see only the data part of each chunk. */
    public record Split(Span span) implements Statement {
    }

    /** {@code join}: header and data parts are put back together. */
    public record Join(Span span) implements Statement {
    }
}
