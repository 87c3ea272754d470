package io.flowswitch.cli;

import io.flowswitch.fml.Fml;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flowswitch check}: checks FML programs and prints every diagnostic, as text for people or as one
 * JSON document for tools. Starts no node. Not thread-safe: one instance per command line.
 */
@Command(name = "check",
    header = "Check FML programs and print every diagnostic.",
    mixinStandardHelpOptions = true,
    versionProvider = FlowswitchCommand.Version.class,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "Checks each FML program completely: syntax, names, the chain's structure, ladders, header programs,"
            + " device parameters, bounds and the principal's grants, and whether the runtime can run it today"
            + " (FML090). Every problem is reported, each with file:line:col, a stable code, the source line with"
            + " a caret under the place, and a help line; then one summary line per file.",
        "",
        "By default the devices also look at this machine: input files must exist and output directories be"
            + " writable (FML071). --no-environment checks the program alone.",
        "",
        "The language is described in docs/fml.md."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {"0:every program is valid (warnings do not count)", ExitCodes.INVALID_PROGRAM_LINE,
        "2:usage error (a program file is missing or unreadable, bad option)"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch check examples/encrypt-file.fml",
        "  flowswitch check examples/*.fml",
        "  flowswitch check --format json --no-environment flow.fml"})
final class CheckCommand implements Callable<Integer> {
    enum Format { TEXT, JSON }

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE.fml", description = "The programs to check.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
        description = "text: the diagnostics as people read them. json: one array with an object per file:"
            + " {\"file\", \"ok\", \"diagnostics\": [{\"code\", \"severity\", \"file\", \"line\", \"column\","
            + " \"length\", \"message\", \"help\"}], \"errors\", \"warnings\"}. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--environment", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Also check this machine: input files exist, output directories can be written"
            + " (FML071). Default: on; --no-environment checks the program alone.")
    boolean environment;

    @Override
    public Integer call() {
        // Every file is read before anything is printed: a mistyped name is one usage error, not half a report.
        files.forEach(Programs::requireReadable);
        final List<Fml.Result> results = new ArrayList<>();
        for (Path file : files) {
            results.add(Programs.check(file, environment));
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (format == Format.JSON) {
            printJson(out, results);
        } else {
            printText(out, results);
        }
        out.flush();
        return results.stream().anyMatch(result -> result.diagnostics().hasErrors())
            ? ExitCodes.INVALID_PROGRAM : ExitCodes.DONE;
    }

    /** Each file's diagnostics, then {@code FILE: summary}; with several files a total at the end. */
    private static void printText(PrintWriter out, List<Fml.Result> results) {
        int rejected = 0;
        for (Fml.Result result : results) {
            final String summary = result.diagnostics().summary();
            final String rendered = result.render();
            // render() ends with the summary line; here the summary names the file instead.
            out.print(rendered.substring(0, rendered.length() - summary.length() - 1));
            out.println(result.file() + ": " + (result.diagnostics().isEmpty() ? "ok" : summary));
            if (result.diagnostics().hasErrors()) {
                rejected++;
            }
        }
        if (results.size() > 1) {
            out.println(results.size() + " programs, " + (rejected == 0 ? "all valid" : rejected + " with errors"));
        }
    }

    /** One JSON array, one object per file, in the order given. */
    static void printJson(PrintWriter out, List<Fml.Result> results) {
        out.println("[");
        for (int i = 0; i < results.size(); i++) {
            final Fml.Result result = results.get(i);
            // renderJson() is {"diagnostics":[...],"errors":N,"warnings":M}: put the file and verdict first.
            out.print("  {\"file\":" + Json.string(result.file()) + ",\"ok\":" + !result.diagnostics().hasErrors()
                + "," + result.renderJson().substring(1));
            out.println(i + 1 < results.size() ? "," : "");
        }
        out.println("]");
    }
}
