package io.flowswitch.cli;

import io.flowswitch.javadsl.FlowSwitch;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code flowswitch} command: parses the command line, runs a subcommand, and turns every error into
 * one line on stderr ({@code flowswitch: <message>}) and a documented exit code. Not thread-safe: one
 * instance per command line.
 */
@Command(name = "flowswitch",
    mixinStandardHelpOptions = true,
    versionProvider = FlowswitchCommand.Version.class,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
        "A data-flow manager: moves data between devices (files, sockets, ciphers, digests, compressors)"
            + " while applications only set flows up and watch them.",
        "",
        "New here? Run 'flowswitch demo'. Flows can also be written as FML programs: see 'flowswitch check',"
            + " 'explain' and 'run FILE.fml', docs/fml.md and examples/."},
    commandListHeading = "%nCommands:%n",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.DONE_LINE, ExitCodes.FLOW_FAILED_LINE, ExitCodes.USAGE_LINE, ExitCodes.REJECTED_LINE},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch demo",
        "  flowswitch devices",
        "  flowswitch run --from file-source:path=in.bin --via aes-gcm-encrypt:key=k1 \\",
        "      --to file-sink:path=out.enc --key k1=key.bin",
        "  flowswitch check examples/*.fml",
        "  flowswitch explain examples/replicated-accelerator.fml",
        "  flowswitch run examples/encrypt-file.fml --key k1=examples/data/key.bin",
        "",
        "Errors are one line on stderr; add --debug for the stack trace."})
final class FlowswitchCommand implements Callable<Integer> {
    static final String LOG_LEVEL_PROPERTY = "flowswitch.log.level";

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
        description = "Print the stack trace with an error, and flowswitch's debug log.")
    boolean debug;

    private final NodeProvider nodes;

    FlowswitchCommand(NodeProvider nodes) {
        this.nodes = nodes;
    }

    @Override
    public Integer call() {
        throw CliException.usage("no command given: try 'flowswitch demo', or 'flowswitch --help' for all commands");
    }

    /** A node for one command; with {@code --debug} flowswitch's loggers go to DEBUG first (see logback.xml). */
    FlowSwitch acquireNode() {
        if (debug) {
            System.setProperty(LOG_LEVEL_PROPERTY, "DEBUG");
        }
        // Set logging up on this thread before the node's threads log: when they race to do it, SLF4J
        // prints a warning about replayed calls on stderr.
        LoggerFactory.getILoggerFactory();
        return nodes.acquire();
    }

    void releaseNode(FlowSwitch node) {
        nodes.release(node);
    }

    /** The command line with every subcommand and the error handling this CLI promises. */
    static CommandLine commandLine(NodeProvider nodes) {
        final FlowswitchCommand root = new FlowswitchCommand(nodes);
        final CommandLine commandLine = new CommandLine(root)
            .addSubcommand("demo", new DemoCommand(root))
            .addSubcommand("run", new RunCommand(root))
            .addSubcommand("devices", new DevicesCommand(root))
            .addSubcommand("check", new CheckCommand())
            .addSubcommand("explain", new ExplainCommand())
            .addSubcommand("experiment", new ExperimentCommand())
            .addSubcommand("help", new CommandLine.HelpCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler(FlowswitchCommand::usageError);
        commandLine.setExecutionExceptionHandler((error, failed, parseResult) -> {
            final Failure failure = Failure.of(error);
            final PrintWriter err = failed.getErr();
            err.println("flowswitch: " + failure.message());
            if (root.debug) {
                error.printStackTrace(err);
            }
            err.flush();
            return failure.exitCode();
        });
        return commandLine;
    }

    /** Runs a whole command line and returns its exit code; {@code out} and {@code err} take all output. */
    static int execute(NodeProvider nodes, PrintWriter out, PrintWriter err, String... args) {
        final CommandLine commandLine = commandLine(nodes);
        commandLine.setOut(out);
        commandLine.setErr(err);
        final int exitCode = commandLine.execute(args);
        out.flush();
        err.flush();
        return exitCode;
    }

    private static int usageError(CommandLine.ParameterException error, String[] args) {
        final CommandLine failed = error.getCommandLine();
        final PrintWriter err = failed.getErr();
        err.println("flowswitch: " + Failure.oneLine(error.getMessage()) + " (see '"
            + failed.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return ExitCodes.USAGE;
    }

    /** {@code --version}: the build's version and the JVM it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            final Properties properties = new Properties();
            try (InputStream in = FlowswitchCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {
                "flowswitch " + properties.getProperty("version", "(unknown version)"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
