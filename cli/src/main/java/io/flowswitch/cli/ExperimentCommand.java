package io.flowswitch.cli;

import io.flowswitch.cli.experiment.FaultsExperiment;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code flowswitch experiment}: experiments that run real flows and write CSV and an HTML report. */
@Command(name = "experiment",
    header = "Run an experiment on real flows and write CSV and an HTML report.",
    mixinStandardHelpOptions = true,
    versionProvider = FlowswitchCommand.Version.class,
    synopsisSubcommandLabel = "EXPERIMENT",
    commandListHeading = "%nExperiments:%n",
    subcommands = {FaultsExperiment.class, CommandLine.HelpCommand.class})
final class ExperimentCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliException.usage("no experiment given: try 'flowswitch experiment faults --help'");
    }
}
