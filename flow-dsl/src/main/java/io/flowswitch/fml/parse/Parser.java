package io.flowswitch.fml.parse;

import io.flowswitch.fml.diag.Code;
import io.flowswitch.fml.diag.Reporter;
import io.flowswitch.fml.diag.Span;
import io.flowswitch.fml.diag.Suggest;
import io.flowswitch.fml.lex.Token;
import io.flowswitch.fml.lex.TokenKind;
import io.flowswitch.fml.lex.Unit;
import io.flowswitch.fml.parse.Ast.Expr;
import io.flowswitch.fml.parse.Ast.Ident;
import io.flowswitch.fml.parse.Ast.Num;
import io.flowswitch.fml.parse.Ast.Rule;
import io.flowswitch.fml.parse.Ast.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recursive-descent parser of FML. On a syntax error it reports, skips to the next statement (or block
 * item) it recognises, and goes on, so that one run reports every syntax error. Nesting is bounded
 * ({@link #MAX_DEPTH}) and so is the size of a header expression ({@link #MAX_EXPRESSION_NODES}), so no
 * input can exhaust the stack. Not thread-safe; one parser per token list.
 */
public final class Parser {
    /** Deepest nesting of blocks or parentheses accepted. */
    public static final int MAX_DEPTH = 32;
    /** Most operators and operands in one header expression. */
    public static final int MAX_EXPRESSION_NODES = 64;

    public static final List<String> STATEMENTS = List.of("chunk", "transport", "key", "source", "via", "sink", "tee",
        "policy", "on", "header", "split", "join");
    static final List<String> STAGE_MODIFIERS = List.of("as", "replicas", "pass");
    public static final List<String> SETTINGS = List.of("rate", "priority", "small-request-threshold", "timeout");
    public static final List<String> STEPS = List.of("retry", "ignore", "redirect", "notify", "fallback", "terminate");
    public static final List<String> EVENTS = List.of("peer-reset", "mtu-change", "sink-full");
    private static final List<List<String>> LEVELS = List.of(List.of("|"), List.of("&"), List.of("<<", ">>"),
        List.of("+", "-"), List.of("*"));

    /** Unwinds to the nearest recovery point; the problem has been reported already (or needs no report). */
    private static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed() {
            super(null, null, false, false);
        }
    }

    private final List<Token> tokens;
    private final Reporter reporter;
    private int pos;
    private int lastErrorAt = -1;
    private int expressionNodes;

    private Parser(List<Token> tokens, Reporter reporter) {
        this.tokens = tokens;
        this.reporter = reporter;
    }

    /** Parses a whole file. {@code tokens} must end with {@link TokenKind#EOF}. */
    public static Ast.Program parse(String file, List<Token> tokens, Reporter reporter) {
        return new Parser(tokens, reporter).program(file);
    }

    private Ast.Program program(String file) {
        final List<Ast.Flow> flows = new ArrayList<>();
        while (!peek().is(TokenKind.EOF)) {
            if (peek().isWord("flow")) {
                flows.add(flow());
            } else if (peek().is(TokenKind.ERROR)) {
                pos++;
            } else {
                error(Code.FML020, peek().span(), "expected 'flow', found " + peek().describe(),
                    "a program is one 'flow NAME { ... }'");
                skipUntilFlow();
            }
        }
        if (flows.isEmpty() && tokens.size() == 1) {
            reporter.error(Code.FML004, tokens.get(0).span(), "empty program: there is no flow",
                "write 'flow NAME { source ... sink ... }'");
        }
        for (int i = 1; i < flows.size(); i++) {
            reporter.error(Code.FML025, flows.get(i).name().span(), "a second flow '" + flows.get(i).name().text()
                + "' in one file", "put each flow in a file of its own");
        }
        return new Ast.Program(Span.start(file), flows);
    }

    private void skipUntilFlow() {
        int depth = 0;
        boolean deep = false;
        while (!peek().is(TokenKind.EOF)) {
            final Token t = peek();
            if (depth == 0 && t.isWord("flow")) {
                return;
            }
            if (t.is(TokenKind.LBRACE)) {
                depth++;
                if (depth > MAX_DEPTH && !deep) {
                    deep = true;
                    tooDeep(t.span());
                }
            } else if (t.is(TokenKind.RBRACE) && depth > 0) {
                depth--;
            }
            pos++;
        }
    }

    private Ast.Flow flow() {
        final Token keyword = advance();
        Ident name = new Ident("?", keyword.span());
        Optional<Ast.Str> principal = Optional.empty();
        try {
            name = ident("a flow name");
            if (peek().isWord("principal")) {
                pos++;
                final Token p = expect(TokenKind.STRING, "the principal's name as a string, e.g. \"web\"");
                principal = Optional.of(new Ast.Str(p.text(), p.span()));
            }
            expect(TokenKind.LBRACE, "'{' to open the flow's body");
        } catch (Failed e) {
            // Find the body anyway, so that its statements are checked too.
            while (!peek().is(TokenKind.EOF) && !peek().is(TokenKind.LBRACE) && !peek().isWord("flow")
                && !isStatementStart()) {
                pos++;
            }
            if (peek().is(TokenKind.LBRACE)) {
                pos++;
            } else if (!isStatementStart()) {
                return new Ast.Flow(keyword.span().to(name.span()), name, principal, List.of());
            }
        }
        final List<Statement> body = new ArrayList<>();
        while (true) {
            final Token t = peek();
            if (t.is(TokenKind.RBRACE)) {
                pos++;
                break;
            }
            if (t.is(TokenKind.EOF) || (t.isWord("flow") && isFlowHeaderAt(pos))) {
                error(Code.FML020, t.span(), "expected '}' to close flow '" + name.text() + "' (opened at "
                    + keyword.span().line() + ":" + keyword.span().col() + "), found " + t.describe(), "");
                break;
            }
            try {
                body.add(statement());
            } catch (Failed e) {
                syncStatement();
            }
        }
        return new Ast.Flow(keyword.span().to(name.span()), name, principal, body);
    }

    /** {@code flow NAME} followed by {@code principal} or {@code {}: a new flow, not a stray word. */
    private boolean isFlowHeaderAt(int at) {
        return at + 2 < tokens.size() && tokens.get(at + 1).is(TokenKind.IDENT)
            && (tokens.get(at + 2).is(TokenKind.LBRACE) || tokens.get(at + 2).isWord("principal"));
    }

    private boolean isStatementStart() {
        return peek().is(TokenKind.IDENT) && STATEMENTS.contains(peek().text());
    }

    private Statement statement() {
        final Token t = peek();
        if (t.is(TokenKind.ERROR)) {
            pos++;
            throw new Failed();
        }
        if (!t.is(TokenKind.IDENT)) {
            error(Code.FML020, t.span(), "expected a statement, found " + t.describe(),
                "statements: " + String.join(", ", STATEMENTS));
            pos++;
            throw new Failed();
        }
        return switch (t.text()) {
            case "chunk" -> {
                pos++;
                final Num size = number("a chunk size such as 64KiB");
                yield new Ast.Chunk(t.span().to(size.span()), size);
            }
            case "transport" -> {
                pos++;
                final Ident mode = ident("a transport: fused or aeron");
                yield new Ast.TransportStmt(t.span().to(mode.span()), mode);
            }
            case "key" -> {
                pos++;
                final List<Ident> names = new ArrayList<>();
                names.add(ident("a key name"));
                while (peek().is(TokenKind.COMMA)) {
                    pos++;
                    names.add(ident("a key name"));
                }
                yield new Ast.Keys(t.span().to(names.get(names.size() - 1).span()), names);
            }
            case "source" -> stage(Ast.Role.SOURCE);
            case "via" -> stage(Ast.Role.VIA);
            case "sink" -> stage(Ast.Role.SINK);
            case "tee" -> stage(Ast.Role.TEE);
            case "policy" -> policy();
            case "on" -> on();
            case "header" -> header();
            case "split" -> {
                pos++;
                yield new Ast.Split(t.span());
            }
            case "join" -> {
                pos++;
                yield new Ast.Join(t.span());
            }
            default -> {
                final List<String> words = new ArrayList<>(STATEMENTS);
                words.addAll(STAGE_MODIFIERS);
                error(Code.FML021, t.span(), "unknown statement '" + t.text() + "'",
                    Suggest.didYouMean(t.text(), words, "statements: " + String.join(", ", STATEMENTS)));
                pos++;
                throw new Failed();
            }
        };
    }

    private Ast.Stage stage(Ast.Role role) {
        final Token keyword = advance();
        final Ast.Device device = device();
        Optional<Ident> alias = Optional.empty();
        Optional<Ast.Replicas> replicas = Optional.empty();
        Optional<Ast.Range> pass = Optional.empty();
        Span last = device.span();
        while (true) {
            final Token t = peek();
            if (t.isWord("as")) {
                pos++;
                final Ident name = ident("a stage name after 'as'");
                duplicateModifier(alias.isPresent(), t);
                alias = Optional.of(name);
                last = name.span();
            } else if (t.isWord("replicas")) {
                pos++;
                final Ast.Replicas r;
                if (peek().isWord("auto")) {
                    r = new Ast.Replicas(t.span().to(advance().span()), Optional.empty());
                } else {
                    final Num n = number("a replica count or 'auto'");
                    r = new Ast.Replicas(t.span().to(n.span()), Optional.of(n));
                }
                duplicateModifier(replicas.isPresent(), t);
                replicas = Optional.of(r);
                last = r.span();
            } else if (t.isWord("pass")) {
                pos++;
                final Num from = number("a byte range such as 0..16");
                expect(TokenKind.DOTDOT, "'..' in a byte range such as 0..16");
                final Num to = number("the end of the byte range");
                duplicateModifier(pass.isPresent(), t);
                pass = Optional.of(new Ast.Range(t.span().to(to.span()), from, to));
                last = to.span();
            } else {
                break;
            }
        }
        return new Ast.Stage(keyword.span().to(last), role, device, alias, replicas, pass);
    }

    private void duplicateModifier(boolean seen, Token t) {
        if (seen) {
            reporter.error(Code.FML033, t.span(), "'" + t.text() + "' given twice for one stage", "keep one");
        }
    }

    private Ast.Device device() {
        final Ident kind = ident("a device kind such as file-source");
        final List<Ast.Param> params = new ArrayList<>();
        Span last = kind.span();
        if (peek().is(TokenKind.LPAREN)) {
            last = params(params);
        }
        return new Ast.Device(kind.span().to(last), kind, params);
    }

    /** {@code ( name = value, ... )} from the '(' at hand into {@code params}; the span of the ')'. */
    private Span params(List<Ast.Param> params) {
        pos++;
        while (!peek().is(TokenKind.RPAREN)) {
            final Ident name = ident("a parameter name or ')'");
            expect(TokenKind.EQ, "'=' after parameter '" + name.text() + "'");
            final Token v = peek();
            final Ast.Value value = switch (v.kind()) {
                case STRING -> new Ast.Str(advance().text(), v.span());
                case NUMBER -> num(advance());
                case IDENT -> new Ident(advance().text(), v.span());
                default -> {
                    fail(v, "a value (a string, a number or a name) for parameter '" + name.text() + "'");
                    yield null;
                }
            };
            params.add(new Ast.Param(name.span().to(value.span()), name, value));
            if (peek().is(TokenKind.COMMA)) {
                pos++;
            } else if (!peek().is(TokenKind.RPAREN)) {
                fail(peek(), "',' or ')' after parameter '" + name.text() + "'");
            }
        }
        return advance().span();
    }

    private Ast.Policy policy() {
        final Token keyword = advance();
        final Token open = expect(TokenKind.LBRACE, "'{' after 'policy'");
        final List<Ast.Setting> settings = new ArrayList<>();
        while (!closeBlock("policy", open)) {
            final Token t = peek();
            try {
                if (!t.is(TokenKind.IDENT) || !SETTINGS.contains(t.text())) {
                    if (t.is(TokenKind.IDENT)) {
                        error(Code.FML022, t.span(), "unknown policy setting '" + t.text() + "'",
                            Suggest.didYouMean(t.text(), SETTINGS, "settings: " + String.join(", ", SETTINGS)));
                    } else {
                        fail(t, "a policy setting (" + String.join(", ", SETTINGS) + ") or '}'");
                    }
                    pos++;
                    skipValue();
                    continue;
                }
                pos++;
                final Num value = number("a value for '" + t.text() + "'");
                settings.add(new Ast.Setting(t.span().to(value.span()), new Ident(t.text(), t.span()), value));
                optionalSeparator();
            } catch (Failed e) {
                syncItem(SETTINGS);
            }
        }
        return new Ast.Policy(keyword.span(), settings);
    }

    private Ast.On on() {
        final Token keyword = advance();
        final boolean stage = peek().isWord("stage");
        final Ident target;
        if (stage) {
            pos++;
            target = ident("a stage name after 'on stage'");
        } else {
            target = ident("'stage NAME' or an event (" + String.join(", ", EVENTS) + ")");
            if (!EVENTS.contains(target.text())) {
                reporter.error(Code.FML024, target.span(), "unknown event '" + target.text() + "'",
                    Suggest.closest(target.text(), EVENTS).map(s -> "did you mean '" + s + "'?")
                        .orElse("events: " + String.join(", ", EVENTS) + "; for a stage write 'on stage "
                            + target.text() + "'"));
            }
        }
        final Token open = expect(TokenKind.LBRACE, "'{' to open the rules of '" + target.text() + "'");
        final List<Rule> rules = new ArrayList<>();
        while (!closeBlock("on " + target.text(), open)) {
            try {
                final Rule rule = rule();
                if (rule != null) {
                    rules.add(rule);
                }
                optionalSeparator();
            } catch (Failed e) {
                syncItem(STEPS);
            }
        }
        return new Ast.On(keyword.span().to(target.span()), stage, target, rules);
    }

    /** One rule; null for an unknown step, which is reported and skipped so that the next one is checked. */
    private Rule rule() {
        final Token t = peek();
        if (!t.is(TokenKind.IDENT) || !STEPS.contains(t.text())) {
            if (t.is(TokenKind.IDENT)) {
                error(Code.FML023, t.span(), "unknown ladder step '" + t.text() + "'",
                    Suggest.didYouMean(t.text(), STEPS, "steps, in ladder order: " + String.join(", ", STEPS)));
            } else {
                fail(t, "a ladder step (" + String.join(", ", STEPS) + ") or '}'");
            }
            pos++;
            skipValue();
            return null;
        }
        pos++;
        return switch (t.text()) {
            case "retry" -> {
                final Num times = number("how many times to retry, e.g. 'retry 3'");
                Optional<Num> backoff = Optional.empty();
                Span last = times.span();
                if (peek().isWord("backoff")) {
                    pos++;
                    backoff = Optional.of(number("a back-off such as 10ms"));
                    last = backoff.get().span();
                }
                yield new Ast.Retry(t.span().to(last), times, backoff);
            }
            case "ignore" -> new Ast.Ignore(t.span().to(word("transient", "'transient' after 'ignore'").span()));
            case "redirect" -> {
                if (peek().isWord("instance")) {
                    yield new Ast.Redirect(t.span().to(advance().span()), Optional.empty());
                }
                if (peek().isWord("kind")) {
                    pos++;
                    final Ident kind = ident("a device kind after 'redirect kind'");
                    yield new Ast.Redirect(t.span().to(kind.span()), Optional.of(kind));
                }
                fail(peek(), "'instance' or 'kind KIND' after 'redirect'");
                yield null;
            }
            case "notify" -> new Ast.Notify(t.span());
            case "fallback" -> new Ast.Fallback(t.span().to(word("software", "'software' after 'fallback'").span()));
            default -> new Ast.Terminate(t.span());
        };
    }

    private Ast.Header header() {
        final Token keyword = advance();
        final boolean check = peek().isWord("check");
        if (check) {
            pos++;
        }
        final List<Ast.Param> params = new ArrayList<>();
        if (peek().is(TokenKind.LPAREN)) {
            params(params);
        }
        final Token open = expect(TokenKind.LBRACE, check ? "'{' after 'header check'" : "'{' after 'header'");
        final List<Ast.Field> fields = new ArrayList<>();
        boolean attempted = false;
        while (!closeBlock("header", open)) {
            attempted = true;
            try {
                final Ident name = ident("a header field name or '}'");
                Optional<Ident> type = Optional.empty();
                if (peek().is(TokenKind.COLON)) {
                    pos++;
                    type = Optional.of(ident("a field type: u8, u16, u32 or u64"));
                }
                expect(TokenKind.EQ, "'=' after header field '" + name.text() + "'");
                expressionNodes = 0;
                final Expr expr = expression(1);
                fields.add(new Ast.Field(name.span().to(expr.span()), name, type, expr));
                optionalSeparator();
            } catch (Failed e) {
                syncItem(List.of());
            }
        }
        if (!attempted) {
            reporter.error(Code.FML052, keyword.span(), "header program has no fields", "write at least one 'name = expr'");
        }
        return new Ast.Header(keyword.span(), fields, check, params);
    }

    private Expr expression(int depth) {
        return binary(0, depth);
    }

    private Expr binary(int level, int depth) {
        if (level == LEVELS.size()) {
            return primary(depth);
        }
        Expr left = binary(level + 1, depth);
        while (LEVELS.get(level).contains(peek().text()) && !peek().is(TokenKind.STRING)) {
            final Token op = advance();
            countNode(op);
            final Expr right = binary(level + 1, depth);
            left = new Ast.Binary(left.span().to(right.span()), op.text(), left, right);
        }
        return left;
    }

    private Expr primary(int depth) {
        final Token t = peek();
        if (depth > MAX_DEPTH) {
            tooDeep(t.span());
            throw new Failed();
        }
        countNode(t);
        switch (t.kind()) {
            case NUMBER -> {
                return num(advance());
            }
            case LPAREN -> {
                pos++;
                final Expr inner = expression(depth + 1);
                expect(TokenKind.RPAREN, "')'");
                return inner;
            }
            case IDENT -> {
                pos++;
                if (peek().is(TokenKind.LPAREN)) {
                    pos++;
                    final List<Expr> args = new ArrayList<>();
                    while (!peek().is(TokenKind.RPAREN)) {
                        args.add(expression(depth + 1));
                        if (!peek().is(TokenKind.RPAREN)) {
                            expect(TokenKind.COMMA, "',' or ')' in the arguments of '" + t.text() + "'");
                        }
                    }
                    final Token close = advance();
                    return new Ast.Call(t.span().to(close.span()), new Ident(t.text(), t.span()), args);
                }
                final List<Ident> path = new ArrayList<>();
                path.add(new Ident(t.text(), t.span()));
                while (peek().is(TokenKind.DOT)) {
                    pos++;
                    path.add(ident("a field name after '.'"));
                }
                return new Ast.Operand(t.span().to(path.get(path.size() - 1).span()), path);
            }
            default -> {
                fail(t, "an expression (a number, a header field, or a function such as crc32c(payload))");
                return null;
            }
        }
    }

    private void countNode(Token at) {
        if (++expressionNodes > MAX_EXPRESSION_NODES) {
            error(Code.FML052, at.span(), "header expression has more than " + MAX_EXPRESSION_NODES
                + " operators and operands", "split it over several fields");
            throw new Failed();
        }
    }

    /**
     * At the end of a block's items: consumes {@code '}'} and answers true; answers true without consuming
     * at the end of the file or at a flow statement (a forgotten {@code '}'}, reported).
     */
    private boolean closeBlock(String what, Token open) {
        final Token t = peek();
        if (t.is(TokenKind.RBRACE)) {
            pos++;
            return true;
        }
        if (t.is(TokenKind.EOF) || (isStatementStart() && !what.equals("header"))) {
            error(Code.FML020, t.span(), "expected '}' to close " + what + " (opened at " + open.span().line() + ":"
                + open.span().col() + "), found " + t.describe(), "");
            return true;
        }
        return false;
    }

    /** After an unknown setting or step: its number, if it has one, so that the next item is checked too. */
    private void skipValue() {
        if (peek().is(TokenKind.NUMBER)) {
            pos++;
        }
    }

    private void optionalSeparator() {
        if (peek().is(TokenKind.SEMI) || peek().is(TokenKind.COMMA)) {
            pos++;
        }
    }

    /** Skips to the next flow statement or to the {@code '}'} that ends the body, skipping nested blocks. */
    private void syncStatement() {
        skip(List.of(), true);
    }

    /** Skips to the next item of a block (one of {@code words}), a flow statement, or the block's {@code '}'}. */
    private void syncItem(List<String> words) {
        skip(words, !words.isEmpty());
    }

    private void skip(List<String> words, boolean atStatements) {
        int braces = 0;
        int parens = 0;
        boolean deep = false;
        while (true) {
            final Token t = peek();
            if (t.is(TokenKind.EOF)) {
                return;
            }
            if (braces == 0 && parens == 0) {
                if (t.is(TokenKind.RBRACE)) {
                    return;
                }
                // Statements and block items start lines in practice: a name that starts a line after the
                // broken one is the best guess at the next statement.
                if (t.is(TokenKind.IDENT) && pos > 0 && t.span().line() > tokens.get(pos - 1).span().line()) {
                    return;
                }
                if (t.is(TokenKind.IDENT) && (words.contains(t.text()) || (atStatements && STATEMENTS.contains(t.text())))) {
                    return;
                }
                if (words.isEmpty() && !atStatements && t.is(TokenKind.IDENT) && pos + 1 < tokens.size()
                    && (tokens.get(pos + 1).is(TokenKind.EQ) || tokens.get(pos + 1).is(TokenKind.COLON))) {
                    // The next header field.
                    return;
                }
            }
            switch (t.kind()) {
                case LBRACE -> braces++;
                case RBRACE -> braces--;
                case LPAREN -> parens++;
                case RPAREN -> parens = Math.max(0, parens - 1);
                default -> {
                }
            }
            if (braces + parens > MAX_DEPTH && !deep) {
                deep = true;
                tooDeep(t.span());
            }
            pos++;
        }
    }

    private void tooDeep(Span at) {
        reporter.error(Code.FML005, at, "nesting deeper than " + MAX_DEPTH + " levels",
            "FML programs are flat: a flow holds statements and a few blocks");
    }

    private Ident ident(String what) {
        final Token t = peek();
        if (!t.is(TokenKind.IDENT)) {
            fail(t, what);
        }
        pos++;
        return new Ident(t.text(), t.span());
    }

    private Token word(String word, String what) {
        if (!peek().isWord(word)) {
            fail(peek(), what);
        }
        return advance();
    }

    private Num number(String what) {
        final Token t = peek();
        if (!t.is(TokenKind.NUMBER)) {
            fail(t, what);
        }
        return num(advance());
    }

    private static Num num(Token t) {
        return new Num(t.value(), t.unit() == null ? Unit.NONE : t.unit(), t.text(), t.span());
    }

    private Token expect(TokenKind kind, String what) {
        if (!peek().is(kind)) {
            fail(peek(), what);
        }
        return advance();
    }

    /** Reports "expected X, found Y" (unless the lexer already reported that token) and unwinds. */
    private void fail(Token found, String what) {
        if (!found.is(TokenKind.ERROR)) {
            error(Code.FML020, found.span(), "expected " + what + ", found " + found.describe(), "");
        } else if (pos < tokens.size() - 1) {
            pos++;
        }
        throw new Failed();
    }

    private void error(Code code, Span span, String message, String help) {
        // One message per token: a second one at the same place only repeats the first.
        if (lastErrorAt == pos) {
            return;
        }
        lastErrorAt = pos;
        reporter.error(code, span, message, help);
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token advance() {
        final Token t = tokens.get(pos);
        if (pos < tokens.size() - 1) {
            pos++;
        }
        return t;
    }
}
