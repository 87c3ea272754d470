package io.flowswitch.cli.experiment;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code flowswitch experiment NAME}: runs one of the experiments that measure the scheduler's claims on
 * this machine. Each writes CSV and SVG files and prints a summary with its targets. Not thread-safe.
 */
@Command(name = "experiment",
    header = "Measure the scheduler's claims on this machine: writes CSV and SVG, prints a summary.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "NAME",
    description = {
        "Runs one experiment on a node of its own, configured for what it measures, and writes its figures as"
            + " CSV (the numbers) and SVG (a chart) into --out, then prints a summary: the figures and, for each"
            + " target, whether this run met it. A missed target is reported, not an error: on a machine shared"
            + " with other work the figures are noisy, so compare ratios and repeat runs.",
        "",
        "Every experiment takes --out DIR; 'flowswitch experiment NAME --help' explains what NAME measures and"
            + " its own options (replication, fairness and small-requests also take --work DIR and --quick)."},
    commandListHeading = "%nExperiments:%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the experiment ran (see the summary for targets met or missed)",
        "1:a flow of the experiment failed", "2:usage error (bad option, unwritable --out)"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch experiment replication",
        "  flowswitch experiment fairness --weights 3,1",
        "  flowswitch experiment small-requests --out /tmp/small"})
public final class ExperimentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /**
     * The {@code experiment} command with every experiment: one line per experiment. {@code nodes} lends the
     * command line's node to the experiments that measure a node as it is, not one of their own.
     */
    public static CommandLine commandLine(CryptoSocketExperiment.Nodes nodes) {
        return new CommandLine(new ExperimentCommand())
            .addSubcommand(new ReplicationExperiment())
            .addSubcommand(new FairnessExperiment())
            .addSubcommand(new SmallRequestsExperiment())
            .addSubcommand(new CryptoSocketExperiment(nodes))
            .addSubcommand(new SetupExperiment())
            .addSubcommand(new FaultsExperiment());
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "no experiment given: one of "
            + String.join(", ", spec.subcommands().keySet()) + " (see 'flowswitch experiment --help')");
    }
}
