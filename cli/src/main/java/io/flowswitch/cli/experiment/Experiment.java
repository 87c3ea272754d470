package io.flowswitch.cli.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
public abstract class Experiment implements Callable<Integer> {
    /** Default parent of each experiment's output directory, relative to the working directory. */
    public static final String DEFAULT_OUT = "flowswitch-experiments";

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
        run(output);
        output.finish();
        return 0;
    }
}
