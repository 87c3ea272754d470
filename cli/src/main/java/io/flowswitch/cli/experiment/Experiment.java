package io.flowswitch.cli.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of every {@code flowswitch experiment NAME} subcommand: the shared options ({@code --out},
 * {@code --work}, {@code --quick}), the output directory, and the summary's last line. A subcommand is a
 * picocli {@code @Command} that extends this class and implements {@link #run}; registering it is one line
 * in {@link ExperimentCommand#commandLine()}.
 *
 * <p>Experiments start their own node, configured for what they measure (a pool of modelled
 * accelerators, a number of gzip instances), and close it before they return.
 *
 * <p>A missed target never fails the command (figures on a shared machine are noisy); what must hold for
 * the figures to mean anything (every flow succeeded, the node gave back what it took) does: an experiment
 * reports it with {@link #fail}, and the command still writes its files and summary, then says why on
 * stderr and exits 1.
 */
public abstract class Experiment implements Callable<Integer> {
    /** Default parent of each experiment's output directory, relative to the working directory. */
    public static final String DEFAULT_OUT = "flowswitch-experiments";
    /** The exit code of a run that {@link #fail}ed: the CLI's "flow failed". */
    static final int FAILED_EXIT_CODE = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Where to write the CSV and SVG files. Default: " + DEFAULT_OUT + "/<experiment>.")
    Path out;

    @Option(names = "--work", paramLabel = "DIR",
        description = "Where to make scratch input and output files (deleted at the end). Default: the system"
            + " temporary directory; tmpfs keeps disks out of the figures.")
    Path work;

    @Option(names = "--quick",
        description = "A short run with small sizes: checks that the experiment works, its figures mean little.")
    boolean quick;

    private final List<String> failures = new ArrayList<>();

    /** Runs the experiment, writing files through {@code output} and its summary to stdout. */
    protected abstract void run(ExperimentOutput output) throws Exception;

    /** This experiment's name, as on the command line. */
    protected final String name() {
        return spec.name();
    }

    protected final boolean quick() {
        return quick;
    }

    /** {@code value} when the option was given; otherwise {@code quickValue} with {@code --quick}, else {@code standard}. */
    protected final <T> T orDefault(T value, T standard, T quickValue) {
        return value != null ? value : quick ? quickValue : standard;
    }

    /** The scratch directory's parent: {@code --work} or the system temporary directory. */
    protected final Path workBase() {
        final Path base = work != null ? work : Path.of(System.getProperty("java.io.tmpdir"));
        if (!Files.isDirectory(base)) {
            throw usage("--work '" + base + "' is not a directory");
        }
        return base;
    }

    /** @throws CommandLine.ParameterException when {@code value} of {@code option} is outside {@code [min, max]} */
    protected final void requireBetween(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw usage(option + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    /**
     * Records that the run failed for {@code sentence} (what failed, where), a condition its figures rely
     * on; the run goes on to write its files, and the command then exits 1.
     */
    protected final void fail(String sentence) {
        failures.add(sentence);
    }

    /** A usage error for this experiment: one line on stderr, exit code 2. */
    protected final CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    @Override
    public final Integer call() throws Exception {
        final Path directory = out != null ? out : Path.of(DEFAULT_OUT, name());
        try {
            ExperimentOutput.prepare(directory);
        } catch (IOException e) {
            throw usage("--out: cannot write to '" + directory + "': " + e.getMessage());
        }
        final ExperimentOutput output = new ExperimentOutput(name(), directory, spec.commandLine().getOut());
        failures.clear();
        run(output);
        output.finish();
        if (!failures.isEmpty()) {
            spec.commandLine().getErr().println("flowswitch: " + String.join("; ", failures));
            spec.commandLine().getErr().flush();
            return FAILED_EXIT_CODE;
        }
        return 0;
    }
}
