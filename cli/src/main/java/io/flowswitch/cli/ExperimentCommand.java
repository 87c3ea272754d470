package io.flowswitch.cli;

import io.flowswitch.cli.experiment.SetupExperiment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code flowswitch experiment NAME}: the experiments that measure the node, each its own subcommand. */
@Command(name = "experiment",
    mixinStandardHelpOptions = true,
    versionProvider = FlowswitchCommand.Version.class,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "NAME",
    description = {"Runs an experiment on a node of its own: each writes CSV files and an SVG plot and prints a"
        + " summary."},
    commandListHeading = "%nExperiments:%n",
    subcommands = {SetupExperiment.class})
final class ExperimentCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliException.usage("name an experiment: 'flowswitch experiment setup' (see 'flowswitch experiment"
            + " --help')");
    }
}
