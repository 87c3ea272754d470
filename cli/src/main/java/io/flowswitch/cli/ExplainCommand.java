package io.flowswitch.cli;

import io.flowswitch.fml.plan.FmlPlan;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flowswitch explain}: what the planner made of a program, as text, as a Graphviz DOT graph, or
 * rendered to SVG by Graphviz's {@code dot}. Starts no node. Not thread-safe: one instance per command line.
 */
@Command(name = "explain",
    header = "Show the plan of an FML program: stages, instances, replication, ladders, policy.",
    mixinStandardHelpOptions = true,
    versionProvider = FlowswitchCommand.Version.class,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "Checks the program (as 'check --no-environment' does: its files need not exist yet) and prints its"
            + " plan: principal, chunk size, transport, keys, policy, every stage with its role, kind, instances"
            + " (pinned for a stateful stage, xN for replicas) and parameters, how replicas run (parallel lanes, or"
            + " balance and merge), the exception ladder of each stage and the handlers of external events.",
        "",
        "The expected peak rate is the slowest transform stage's speed times its instances: a modelled"
            + " accelerator at its declared rate, sha256, crc32c, aes-gcm-encrypt and gzip measured here for up to"
            + " 0.3 s each (--no-measure skips that); kinds without a safe sample input, and sources and sinks, are"
            + " named as not measured.",
        "",
        "A rejected program prints its diagnostics instead, and the exit code is 3."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {"0:the plan was printed (or written)",
        "2:usage error (missing or unreadable program, no Graphviz 'dot' for --svg)",
        "3:rejected by verification (the diagnostics are on stdout)"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch explain examples/replicated-accelerator.fml",
        "  flowswitch explain --dot examples/full-ladder.fml | dot -Tpng -o ladder.png",
        "  flowswitch explain --svg plan.svg examples/encrypt-file.fml"})
final class ExplainCommand implements Callable<Integer> {
    static final String PEAK_RATE_NOT_MEASURED = "  peak rate    not measured (--no-measure)\n";
    private static final long DOT_TIMEOUT_SECONDS = 60;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.fml", description = "The program to explain.")
    Path file;

    @Option(names = "--dot", description = "Print the plan as a Graphviz DOT graph instead of text.")
    boolean dot;

    @Option(names = "--svg", paramLabel = "FILE",
        description = "Also render the graph to FILE as SVG, with Graphviz's 'dot' (it must be on the PATH).")
    Path svg;

    @Option(names = "--measure", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Measure the speed of each transform kind the flow uses, briefly, to give its expected peak"
            + " rate (default). --no-measure prints the plan alone, at once.")
    boolean measure;

    /** The Graphviz program: a name looked up on the PATH, or a path. Tests point it elsewhere. */
    String dotProgram = "dot";

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        // With --dot, stdout is a graph: warnings must not land in it.
        final FmlPlan plan = Programs.planOrReject(Programs.check(file, false), out,
            dot ? spec.commandLine().getErr() : out);
        if (svg != null) {
            renderSvg(PlanGraph.dot(plan), svg);
        }
        out.print(dot ? PlanGraph.dot(plan) : plan.describe() + (measure
            ? new PeakRate(io.flowswitch.devices.DeviceCatalog.builtIn()).line(plan) : PEAK_RATE_NOT_MEASURED));
        out.flush();
        return ExitCodes.DONE;
    }

    /** Pipes the graph through {@code dot -Tsvg}; its error, if any, becomes one line. */
    private void renderSvg(String graph, Path target) {
        final Path program = findProgram(dotProgram).orElseThrow(() -> CliException.usage("--svg needs Graphviz's '"
            + dotProgram + "' program, which is not on the PATH: install Graphviz, or use --dot and render the graph"
            + " elsewhere"));
        final Path errors;
        try {
            errors = Files.createTempFile("flowswitch-dot", ".err");
        } catch (IOException e) {
            throw CliException.usage("--svg: cannot create a temporary file: " + Failure.oneLine(e.getMessage()));
        }
        try {
            final Process process = new ProcessBuilder(program.toString(), "-Tsvg", "-o", target.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errors.toFile())
                .start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(graph.getBytes(StandardCharsets.UTF_8));
            } catch (IOException brokenPipe) {
                // dot stopped reading: its exit code and message below say why.
            }
            if (!process.waitFor(DOT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw CliException.usage("--svg: '" + program + "' did not finish within " + DOT_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw CliException.usage("--svg: '" + program + "' could not write " + target + " (exit code "
                    + process.exitValue() + "): " + firstLine(errors));
            }
        } catch (IOException e) {
            throw CliException.usage("--svg: cannot run '" + program + "': " + Failure.oneLine(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FLOW_FAILED, "interrupted while '" + program + "' rendered " + target, e);
        } finally {
            try {
                Files.deleteIfExists(errors);
            } catch (IOException ignored) {
                // A stray empty file in the temporary directory is not worth failing the command for.
            }
        }
    }

    private static String firstLine(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            final String text = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "no message" : text.lines().findFirst().orElse("");
        } catch (IOException e) {
            return "no message";
        }
    }

    /** A path is taken as it is; a bare name is looked up in the PATH's directories. */
    static Optional<Path> findProgram(String name) {
        if (name.contains(File.separator)) {
            final Path path = Path.of(name);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        final String pathVariable = System.getenv("PATH");
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (String directory : pathVariable.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            try {
                final Path candidate = Path.of(directory, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            } catch (java.nio.file.InvalidPathException skipped) {
                // Not a directory this system can name: it holds no program either.
            }
        }
        return Optional.empty();
    }
}
