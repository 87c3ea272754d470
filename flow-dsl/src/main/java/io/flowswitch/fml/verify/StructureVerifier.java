package io.flowswitch.fml.verify;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.frame.FrameKind;
import io.flowswitch.flow.ladder.ExternalEvent;
import io.flowswitch.fml.diag.Code;
import io.flowswitch.fml.diag.Reporter;
import io.flowswitch.fml.diag.Suggest;
import io.flowswitch.fml.lex.Unit;
import io.flowswitch.fml.parse.Ast;
import io.flowswitch.fml.resolve.ResolvedFlow;
import io.flowswitch.fml.resolve.Resolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifier pass 1, structure and types: one source first, one sink last, transforms between (by the
 * devices' roles), split and join in pairs, values of the right kind (a size where a size belongs),
 * ladder rules in ladder order with nothing after {@code terminate}, and header programs that only read
 * what exists. The chain syntax cannot express a cycle, so acyclicity holds by construction; what it can
 * express is a stage that nothing feeds or that feeds nothing, which is reported. Stateless;
 * thread-safe.
 */
public final class StructureVerifier {
    /** Names a header expression may read, besides earlier fields. */
    public static final List<String> HEADER_OPERANDS = List.of("sequence", "offset", "flow-id", "payload.length");
    public static final List<String> HEADER_FUNCTIONS = List.of("crc32c");
    public static final Map<String, Integer> HEADER_TYPES = Map.of("u8", 1, "u16", 2, "u32", 4, "u64", 8);
    public static final int MAX_HEADER_FIELDS = 16;
    public static final int MAX_HEADER_BYTES = 64;
    /** Ladder steps an external exception may take: redirecting or switching paths needs a failed stage. */
    static final Set<Class<?>> EVENT_STEPS = Set.of(Ast.Retry.class, Ast.Ignore.class, Ast.Notify.class,
        Ast.Terminate.class);

    private final DeviceCatalog catalog;

    public StructureVerifier(DeviceCatalog catalog) {
        this.catalog = catalog;
    }

    public void verify(ResolvedFlow flow, Reporter reporter) {
        chain(flow, reporter);
        units(flow, reporter);
        for (ResolvedFlow.Handler handler : flow.handlers()) {
            ladder(handler.on(), reporter);
            mtuChangeNeedsFramer(handler.on(), flow, reporter);
        }
        for (Ast.Statement s : flow.chain()) {
            if (s instanceof Ast.Header header) {
                header(header, reporter);
            }
        }
    }

    /** Rules for {@code mtu-change} need a framer, the one device whose records a path MTU bounds ({@code FML057}). */
    private static void mtuChangeNeedsFramer(Ast.On on, ResolvedFlow flow, Reporter reporter) {
        if (on.stage() || !on.target().text().equals(ExternalEvent.MTU_CHANGE.text())) {
            return;
        }
        for (Ast.Statement s : flow.chain()) {
            if (s instanceof Ast.Header header && !header.check()
                || s instanceof Ast.Stage stage && stage.device().kind().text().equals(FrameKind.NAME)) {
                return;
            }
        }
        reporter.error(Code.FML057, on.target().span(), "'on mtu-change' has nothing to act on: the flow frames no"
            + " records, so no path MTU bounds them", "frame the stream with a 'header { ... }' program, or remove the rule");
    }

    private void chain(ResolvedFlow flow, Reporter reporter) {
        final List<Ast.Statement> chain = flow.chain();
        boolean sawSource = false;
        boolean sawSink = false;
        Ast.Split openSplit = null;
        Ast.Statement previous = null;
        for (Ast.Statement s : chain) {
            if (s instanceof Ast.Stage stage) {
                final String what = "'" + stage.role().keyword() + " " + stage.device().kind().text() + "'";
                switch (stage.role()) {
                    case SOURCE -> {
                        if (sawSource) {
                            reporter.error(Code.FML043, stage.span(), "a second source: " + what
                                + " is not connected to the flow", "a flow has one source; start another flow for it");
                        } else if (s != chain.get(0)) {
                            reporter.error(Code.FML043, stage.span(), "the source must come first: the statements"
                                + " before it have nothing to read from", "move " + what + " to the top of the chain");
                        }
                        sawSource = true;
                    }
                    case SINK -> {
                        if (sawSink) {
                            reporter.error(Code.FML043, stage.span(), "a second sink: " + what
                                + " is not connected to the flow", "copy the stream to a second sink with 'tee'");
                        }
                        if (openSplit != null) {
                            reporter.error(Code.FML049, stage.span(), "the sink comes before the 'join' of the split at line "
                                + openSplit.span().line(), "write 'join' before the sink");
                        }
                        sawSink = true;
                    }
                    default -> {
                        if (sawSink) {
                            reporter.error(Code.FML043, stage.span(), what + " comes after the sink: nothing reads"
                                + " what it produces", "move it before the sink");
                        }
                        if (stage.role() == Ast.Role.TEE && openSplit != null) {
                            reporter.error(Code.FML049, stage.span(), "a tee inside a split sees only the data part",
                                "write 'join' before the tee");
                        }
                    }
                }
                roleMatches(stage, flow, reporter);
            } else if (s instanceof Ast.Split split) {
                if (openSplit != null) {
                    reporter.error(Code.FML049, split.span(), "a split inside the split at line " + openSplit.span().line(),
                        "splits do not nest: write 'join' first");
                }
                notInChain(s, "split", sawSource, sawSink, reporter);
                if (!(previous instanceof Ast.Header header) || header.check()) {
                    reporter.error(Code.FML056, split.span(), "'split' has no header part to take off: the"
                        + " statement right before it is no header program", "put a 'header { ... }' right before"
                        + " the split; the stages up to 'join' then see the data part while the header goes around them");
                } else if (!header.params().isEmpty()) {
                    reporter.error(Code.FML056, split.span(), "'split' cannot take the header part off a header"
                        + " program with an mtu or a fault: its chunks may hold several records", "split after a"
                        + " header program without parameters");
                }
                openSplit = split;
            } else if (s instanceof Ast.Join join) {
                if (openSplit == null) {
                    reporter.error(Code.FML049, join.span(), "'join' without a 'split' before it",
                        "write 'split' where the header and data parts should part");
                }
                notInChain(s, "join", sawSource, sawSink, reporter);
                openSplit = null;
            } else if (s instanceof Ast.Header) {
                notInChain(s, "header", sawSource, sawSink, reporter);
            }
            previous = s;
        }
        if (openSplit != null && !sawSink) {
            reporter.error(Code.FML049, openSplit.span(), "'split' without a 'join' after it",
                "write 'join' where the header and data parts come together again");
        }
        if (!sawSource) {
            reporter.error(Code.FML040, flow.ast().name().span(), "flow '" + flow.name() + "' has no source",
                "start the chain with 'source KIND(...)'; sources: " + String.join(", ", catalog.names(DeviceRole.SOURCE)));
        }
        if (!sawSink) {
            reporter.error(Code.FML041, flow.ast().name().span(), "flow '" + flow.name() + "' has no sink",
                "end the chain with 'sink KIND(...)'; sinks: " + String.join(", ", catalog.names(DeviceRole.SINK)));
        }
    }

    private static void notInChain(Ast.Statement s, String what, boolean sawSource, boolean sawSink, Reporter reporter) {
        if (!sawSource) {
            reporter.error(Code.FML043, s.span(), "'" + what + "' comes before the source: nothing feeds it",
                "move it after the source");
        } else if (sawSink) {
            reporter.error(Code.FML043, s.span(), "'" + what + "' comes after the sink: nothing reads what it produces",
                "move it before the sink");
        }
    }

    private void roleMatches(Ast.Stage stage, ResolvedFlow flow, Reporter reporter) {
        final DeviceKind kind = flow.kinds().get(stage);
        if (kind == null) {
            return;
        }
        final DeviceRole expected = switch (stage.role()) {
            case SOURCE -> DeviceRole.SOURCE;
            case VIA -> DeviceRole.TRANSFORM;
            case SINK, TEE -> DeviceRole.SINK;
        };
        if (kind.role() != expected) {
            final String keyword = switch (kind.role()) {
                case SOURCE -> "source";
                case TRANSFORM -> "via";
                case SINK -> "sink";
            };
            reporter.error(Code.FML042, stage.device().kind().span(), "device '" + kind.name() + "' is a "
                + article(kind.role()) + ", but '" + stage.role().keyword() + "' needs a" + (expected == DeviceRole.SOURCE
                ? " source" : expected == DeviceRole.TRANSFORM ? " transform" : " sink"),
                "write '" + keyword + " " + kind.name() + "', or use one of the "
                    + Resolver.roleWord(expected) + ": " + String.join(", ", catalog.names(expected)));
        }
    }

    private static String article(DeviceRole role) {
        return switch (role) {
            case SOURCE -> "source";
            case TRANSFORM -> "transform";
            case SINK -> "sink";
        };
    }

    /** Every number has the dimension its place needs. */
    private static void units(ResolvedFlow flow, Reporter reporter) {
        flow.chunk().ifPresent(c -> size(c.size(), "a chunk size", reporter));
        for (Ast.Setting s : flow.policy().values()) {
            switch (s.name().text()) {
                case "rate" -> need(s.value(), Unit.Dimension.RATE, "'rate'", "e.g. rate 500MiB/s", reporter);
                case "timeout" -> need(s.value(), Unit.Dimension.DURATION, "'timeout'", "e.g. timeout 30s", reporter);
                case "small-request-threshold" -> size(s.value(), "'small-request-threshold'", reporter);
                default -> need(s.value(), Unit.Dimension.COUNT, "'" + s.name().text() + "'", "e.g. priority 2", reporter);
            }
        }
        for (Ast.Stage stage : flow.stages()) {
            stage.replicas().flatMap(Ast.Replicas::count).ifPresent(n ->
                need(n, Unit.Dimension.COUNT, "'replicas'", "e.g. replicas 4", reporter));
            stage.pass().ifPresent(r -> {
                size(r.from(), "a byte offset", reporter);
                size(r.to(), "a byte offset", reporter);
            });
            for (Ast.Param p : stage.device().params()) {
                if (!(p.value() instanceof Ast.Num n) || n.unit().dimension() != Unit.Dimension.DURATION) {
                    continue;
                }
                if (durationSuffix(p.name().text()) == 0) {
                    reporter.error(Code.FML044, n.span(), "parameter '" + p.name().text() + "' takes no duration, got '"
                        + n.text() + "'", "durations go to parameters named ...-us, ...-ms or ...-s");
                } else if (n.value() % durationSuffix(p.name().text()) != 0) {
                    reporter.error(Code.FML044, n.span(), "'" + n.text() + "' is not a whole number of the unit of '"
                        + p.name().text() + "'", "write it in the parameter's unit");
                }
            }
        }
        for (ResolvedFlow.Handler h : flow.handlers()) {
            for (Ast.Rule rule : h.on().rules()) {
                if (rule instanceof Ast.Retry retry) {
                    need(retry.times(), Unit.Dimension.COUNT, "'retry'", "e.g. retry 3", reporter);
                    retry.backoff().ifPresent(b ->
                        need(b, Unit.Dimension.DURATION, "'backoff'", "e.g. backoff 10ms", reporter));
                }
            }
        }
    }

    /**
     * Whether a parameter's value is one the verifier reports itself (a duration where none belongs, or
     * not whole in the parameter's unit, or a name that is not a key): the device is then not asked.
     */
    public static boolean reportedValue(Ast.Param p, java.util.Set<String> keys) {
        if (p.value() instanceof Ast.Ident i) {
            return !keys.contains(i.text()) && !Resolver.isBoolean(i.text());
        }
        if (p.value() instanceof Ast.Num n && n.unit().dimension() == Unit.Dimension.DURATION) {
            final long per = durationSuffix(p.name().text());
            return per == 0 || n.value() % per != 0;
        }
        return false;
    }

    /** Nanoseconds per unit of a parameter named {@code ...-us}, {@code ...-ms} or {@code ...-s}; 0 for others. */
    public static long durationSuffix(String name) {
        if (name.endsWith("-us")) {
            return 1_000L;
        }
        if (name.endsWith("-ms")) {
            return 1_000_000L;
        }
        if (name.endsWith("-s")) {
            return 1_000_000_000L;
        }
        return 0;
    }

    private static void size(Ast.Num n, String what, Reporter reporter) {
        if (n.unit().dimension() != Unit.Dimension.SIZE && n.unit().dimension() != Unit.Dimension.COUNT) {
            reporter.error(Code.FML044, n.span(), what + " must be a size (bytes, or B, KiB, MiB, GiB), got "
                + n.unit().dimension().description() + " '" + n.text() + "'", "e.g. 64KiB");
        }
    }

    private static void need(Ast.Num n, Unit.Dimension dimension, String what, String example, Reporter reporter) {
        if (n.unit().dimension() != dimension) {
            reporter.error(Code.FML044, n.span(), what + " takes " + dimension.description() + ", got "
                + (n.unit() == Unit.NONE ? "a plain number" : n.unit().dimension().description()) + " '" + n.text() + "'",
                example);
        }
    }

    /** In ladder order, each step once (redirects once per target), nothing after terminate. */
    private static void ladder(Ast.On on, Reporter reporter) {
        Ast.Rule previous = null;
        Ast.Rule terminate = null;
        final Set<String> seen = new HashSet<>();
        for (Ast.Rule rule : on.rules()) {
            final String name = rule.text().split(" ")[0];
            if (!on.stage() && !EVENT_STEPS.contains(rule.getClass())) {
                reporter.error(Code.FML048, rule.span(), "'" + rule.text() + "' does not apply to event '"
                    + on.target().text() + "'", "an event handler may retry, ignore transient, notify or terminate");
            } else if (!on.stage() && rule instanceof Ast.Retry) {
                ExternalEvent.ofText(on.target().text()).map(ExternalEvent::whyNoRetry).ifPresent(why ->
                    reporter.error(Code.FML048, rule.span(), "'" + rule.text() + "' does not apply to event '"
                        + on.target().text() + "': " + why, "notify or terminate; an application that can resume runs"
                        + " a new flow from the offset its peer confirms"));
            }
            if (terminate != null) {
                reporter.error(Code.FML046, rule.span(), "'" + rule.text() + "' is unreachable: it comes after 'terminate'"
                    + " (line " + terminate.span().line() + ")", "remove it, or move it before 'terminate'");
                continue;
            }
            final String identity = rule instanceof Ast.Redirect ? rule.text() : name;
            if (!seen.add(identity)) {
                reporter.error(Code.FML047, rule.span(), "'" + name + "' appears twice in the ladder of '"
                    + on.target().text() + "'", "keep one; a step runs once per failure");
            } else if (previous != null && rule.step() < previous.step()) {
                reporter.error(Code.FML045, rule.span(), "'" + name + "' (step " + rule.step() + ") comes after '"
                    + previous.text().split(" ")[0] + "' (step " + previous.step() + ")",
                    "the ladder runs retry/ignore, redirect, notify, fallback, terminate, in this order: move '" + name
                        + "' up");
            }
            if (rule instanceof Ast.Terminate) {
                terminate = rule;
            }
            if (previous == null || rule.step() >= previous.step()) {
                previous = rule;
            }
        }
    }

    /** Operands exist, fields are read only after they are defined, types are known, the program is small. */
    private static void header(Ast.Header header, Reporter reporter) {
        final Map<String, Ast.Field> defined = new HashMap<>();
        final Set<String> all = new HashSet<>();
        header.fields().forEach(f -> all.add(f.name().text()));
        int bytes = 0;
        for (Ast.Field field : header.fields()) {
            final Ast.Field first = defined.get(field.name().text());
            if (first != null) {
                reporter.error(Code.FML033, field.name().span(), "header field '" + field.name().text()
                    + "' is given twice (first at " + first.span().line() + ":" + first.span().col() + ")", "keep one");
            }
            int width = 8;
            if (field.type().isPresent()) {
                final Integer w = HEADER_TYPES.get(field.type().get().text());
                if (w == null) {
                    reporter.error(Code.FML054, field.type().get().span(), "unknown field type '"
                        + field.type().get().text() + "'", Suggest.didYouMean(field.type().get().text(),
                            HEADER_TYPES.keySet(), "types: u8, u16, u32, u64"));
                } else {
                    width = w;
                }
            }
            bytes += width;
            expr(field.expr(), field, defined, all, reporter);
            if (field.expr() instanceof Ast.Num n && width < 8 && Long.compareUnsigned(n.value(), (1L << (8 * width)) - 1) > 0) {
                reporter.error(Code.FML053, n.span(), "constant " + n.text() + " does not fit field '" + field.name().text()
                    + "' of type " + field.type().map(Ast.Ident::text).orElse("u64"),
                    "the largest u" + 8 * width + " is " + ((1L << (8 * width)) - 1));
            }
            defined.putIfAbsent(field.name().text(), field);
        }
        if (header.check() && header.fields().stream().noneMatch(StructureVerifier::isLength)) {
            reporter.error(Code.FML055, header.span(), "'header check' has no field that is exactly 'payload.length',"
                + " so the records in the stream cannot be told apart", "add the sender's length field, e.g."
                + " 'length: u32 = payload.length', in the sender's order");
        }
        if (header.fields().size() > MAX_HEADER_FIELDS || bytes > MAX_HEADER_BYTES) {
            reporter.error(Code.FML052, header.span(), "header program has " + header.fields().size() + " fields of "
                + bytes + " bytes; at most " + MAX_HEADER_FIELDS + " fields and " + MAX_HEADER_BYTES + " bytes",
                "a framer's header must stay small; narrow the types (u8, u16, u32) or drop fields");
        }
    }

    /** Bytes of the header a program writes: its fields' widths (u64 where none is given). */
    public static int headerBytes(Ast.Header header) {
        int bytes = 0;
        for (Ast.Field field : header.fields()) {
            bytes += field.type().map(t -> HEADER_TYPES.getOrDefault(t.text(), 8)).orElse(8);
        }
        return bytes;
    }

    /** Whether the field is the payload length itself: what a receiver finds the end of a record by. */
    static boolean isLength(Ast.Field field) {
        return field.expr() instanceof Ast.Operand o && o.text().equals("payload.length");
    }

    private static void expr(Ast.Expr e, Ast.Field field, Map<String, Ast.Field> defined, Set<String> all,
                             Reporter reporter) {
        if (e instanceof Ast.Binary b) {
            expr(b.left(), field, defined, all, reporter);
            expr(b.right(), field, defined, all, reporter);
        } else if (e instanceof Ast.Operand o) {
            final String name = o.text();
            if (HEADER_OPERANDS.contains(name) || (o.path().size() == 1 && defined.containsKey(name))) {
                return;
            }
            if (o.path().size() == 1 && all.contains(name)) {
                reporter.error(Code.FML051, o.span(), "header field '" + name + "' is read before it is defined"
                    + (name.equals(field.name().text()) ? " (it reads itself)" : ""),
                    "a field may read only the fields above it");
                return;
            }
            final List<String> known = new ArrayList<>(HEADER_OPERANDS);
            known.addAll(defined.keySet());
            reporter.error(Code.FML050, o.span(), "unknown header operand '" + name + "'",
                Suggest.didYouMean(name, known, "operands: " + String.join(", ", HEADER_OPERANDS)
                    + ", and fields defined above"));
        } else if (e instanceof Ast.Call c) {
            if (!HEADER_FUNCTIONS.contains(c.function().text())) {
                reporter.error(Code.FML054, c.function().span(), "unknown header function '" + c.function().text() + "'",
                    Suggest.didYouMean(c.function().text(), HEADER_FUNCTIONS, "functions: crc32c(payload)"));
                return;
            }
            if (c.args().size() != 1 || !(c.args().get(0) instanceof Ast.Operand o && o.text().equals("payload"))) {
                reporter.error(Code.FML050, c.span(), "crc32c takes one argument, 'payload'", "write crc32c(payload)");
            }
        }
    }
}
