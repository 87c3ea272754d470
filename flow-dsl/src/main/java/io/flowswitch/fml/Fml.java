package io.flowswitch.fml;

import io.flowswitch.fml.diag.Diagnostics;
import io.flowswitch.fml.diag.Reporter;
import io.flowswitch.fml.lex.Lexer;
import io.flowswitch.fml.lex.SourceText;
import io.flowswitch.fml.lex.Token;
import io.flowswitch.fml.parse.Ast;
import io.flowswitch.fml.parse.Parser;
import io.flowswitch.fml.plan.FmlPlan;
import io.flowswitch.fml.plan.Planner;
import io.flowswitch.fml.resolve.ResolvedFlow;
import io.flowswitch.fml.resolve.Resolver;
import io.flowswitch.fml.verify.ResourceVerifier;
import io.flowswitch.fml.verify.StructureVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The FML front end in one call: input checks → lex → parse → resolve names → verify structure and
 * types (pass 1) → verify resources and rights (pass 2) → plan. Each pass reports into one
 * {@link Reporter}, so a rejected program gets every error of every pass that could run: syntax errors
 * stop the run before names are resolved (a broken tree would only add noise), name errors do not stop
 * the verifier, and planning runs only on a program without errors.
 *
 * <pre>
 * Fml.Result r = Fml.check(Path.of("encrypt.fml"));
 * if (!r.ok()) { System.err.print(r.render()); }
 * FlowSpec spec = r.plan().orElseThrow().spec(Map.of("k1", key));
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class Fml {
    private Fml() {
    }

    /**
     * The outcome of checking one program.
     *
     * @param file   the name diagnostics use for the program
     * @param source the program text (for rendering diagnostics); empty when the input was unusable
     * @param plan   present exactly when there is no error
     */
    public record Result(String file, String source, Diagnostics diagnostics, Optional<FmlPlan> plan) {
        public Result {
            Objects.requireNonNull(diagnostics, "diagnostics");
            Objects.requireNonNull(plan, "plan");
        }

        public boolean ok() {
            return plan.isPresent();
        }

        /** The diagnostics as text, with the quoted source lines and carets, and a summary line. */
        public String render() {
            return diagnostics.render(source);
        }

        public String renderJson() {
            return diagnostics.renderJson();
        }
    }

    /** Checks a program file with {@link FmlOptions#defaults()}; diagnostics name it as given. */
    public static Result check(Path path) throws IOException {
        return check(path, FmlOptions.defaults());
    }

    /**
     * Checks a program file. Reads at most {@link SourceText#MAX_BYTES} + 1 bytes of it: a larger file
     * is rejected with {@code FML001} without being read whole.
     *
     * @throws IOException when the file cannot be read
     */
    public static Result check(Path path, FmlOptions options) throws IOException {
        final long size = Files.size(path);
        final byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(SourceText.MAX_BYTES + 1);
        }
        return check(path.toString(), bytes, Math.max(size, bytes.length), options);
    }

    /** Checks program bytes (UTF-8 expected). */
    public static Result check(String file, byte[] bytes, FmlOptions options) {
        return check(file, bytes, bytes.length, options);
    }

    private static Result check(String file, byte[] bytes, long totalBytes, FmlOptions options) {
        final Reporter reporter = new Reporter();
        final SourceText.Decoded decoded = SourceText.decode(file, bytes, totalBytes, reporter);
        if (!decoded.usable()) {
            return new Result(file, decoded.text(), reporter.result(), Optional.empty());
        }
        return run(file, decoded.text(), options, reporter);
    }

    /** Checks program text with {@link FmlOptions#defaults()}. */
    public static Result check(String file, String text) {
        return check(file, text, FmlOptions.defaults());
    }

    public static Result check(String file, String text, FmlOptions options) {
        final Reporter reporter = new Reporter();
        if (text.startsWith("\ufeff")) {
            text = text.substring(1);
        }
        if (!SourceText.checkText(file, text, reporter)) {
            return new Result(file, text.length() > SourceText.MAX_BYTES ? "" : text, reporter.result(), Optional.empty());
        }
        return run(file, text, options, reporter);
    }

    /** Lexes and parses only, reporting into {@code reporter}: for tools that want the tree. */
    public static Ast.Program parse(String file, String text, Reporter reporter) {
        final List<Token> tokens = Lexer.lex(file, text, reporter);
        return Parser.parse(file, tokens, reporter);
    }

    private static Result run(String file, String text, FmlOptions options, Reporter reporter) {
        final Ast.Program program = parse(file, text, reporter);
        if (reporter.hasSyntaxErrors() || program.flows().isEmpty()) {
            return new Result(file, text, reporter.result(), Optional.empty());
        }
        final ResolvedFlow flow = new Resolver(options.catalog()).resolve(program.flows().get(0), reporter);
        new StructureVerifier(options.catalog()).verify(flow, reporter);
        new ResourceVerifier(options.catalog(), options.config(), options.checkEnvironment()).verify(flow, reporter);
        if (reporter.hasErrors()) {
            return new Result(file, text, reporter.result(), Optional.empty());
        }
        final Optional<FmlPlan> plan = new Planner(options.catalog()).plan(flow, reporter);
        return new Result(file, text, reporter.result(), plan);
    }
}
