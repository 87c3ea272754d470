package io.flowswitch.cli;

import io.flowswitch.cli.experiment.CryptoSocketExperiment;
import io.flowswitch.javadsl.FlowSwitch;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code flowswitch experiment}: the paper's experiments, each a subcommand that measures and reports. */
@Command(name = "experiment",
    header = "Run an experiment of the paper and report its figures.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "EXPERIMENT",
    commandListHeading = "%nExperiments:%n",
    description = {"Runs one of the paper's experiments on this machine and writes CSV, SVG and a summary."})
final class ExperimentCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The subcommands, sharing the root's node handling. */
    static CommandLine commandLine(FlowswitchCommand root) {
        final CryptoSocketExperiment.Nodes nodes = new CryptoSocketExperiment.Nodes() {
            @Override
            public FlowSwitch acquire() {
                return root.acquireNode();
            }

            @Override
            public void release(FlowSwitch node) {
                root.releaseNode(node);
            }
        };
        return new CommandLine(new ExperimentCommand())
            .addSubcommand("crypto-socket", new CryptoSocketExperiment(nodes));
    }

    @Override
    public Integer call() {
        throw CliException.usage("no experiment given: try 'flowswitch experiment crypto-socket', or"
            + " 'flowswitch experiment --help'");
    }
}
