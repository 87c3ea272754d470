package io.flowswitch.cli;

import io.flowswitch.devices.FlowContext;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.fml.plan.FmlPlan;
import io.flowswitch.javadsl.SmallRequests;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flowswitch run}: one flow, written as an FML program or as {@code --from/--via/--to} options, from a
 * source through transforms to a sink, then a summary on stdout. Not thread-safe: one instance per command line.
 */
@Command(name = "run",
    header = "Run one flow: an FML program, or a source, transforms and a sink given as options.",
    mixinStandardHelpOptions = true,
    versionProvider = FlowswitchCommand.Version.class,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "Runs one flow, written either as an FML program (FILE.fml, see docs/fml.md) or as --from a source,"
            + " --via zero or more transforms and --to a sink; one form or the other, not both. Shows a progress bar"
            + " on stderr when the flow takes more than a second, then a summary on stdout: bytes, chunks, elapsed"
            + " time, rate, per-stage counters, results (e.g. sha256=...) and how each edge was carried.",
        "",
        "A program is checked first, this machine included (as 'flowswitch check' does); a rejected program prints"
            + " its diagnostics on stdout and the exit code is 3. The program sets its own chunk size, transport and"
            + " name; each key it declares must be given with --key.",
        "",
        "A stage is KIND[:name=value,...]. Values cannot contain a comma. In a --via stage, replicas=N spreads a"
            + " stateless transform over N device instances and merges their output back in order.",
        "On failure the sink leaves no partial output."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.DONE_LINE, ExitCodes.FLOW_FAILED_LINE, ExitCodes.USAGE_LINE, ExitCodes.REJECTED_LINE},
    footerHeading = "%nDevice kinds and their parameters ('flowswitch devices' lists them all):%n",
    footer = {
        "  file-source path=FILE            file-sink path=FILE",
        "  tcp-source listen-port=N | host=H,port=N",
        "  tcp-sink host=H,port=N",
        "  aes-gcm-encrypt key=NAME         aes-gcm-decrypt key=NAME",
        "  sha256    crc32c    gzip level=N    gunzip",
        "  rate-limit rate-bytes-per-second=N,latency-us=N",
        "  aes-gcm-card key=NAME            (a modelled AES-GCM card; encrypts as aes-gcm-encrypt)",
        "  file-region-source path=FILE,offset=N,length=N",
        "  aes-gcm-tcp-sink key=NAME,host=H,port=N",
        "  tls-sink connection=NAME   tls-source connection=NAME   pipe-source pipe=NAME   pipe-sink pipe=NAME",
        "    (connections and pipes an application registered: see docs/https-and-linked-sockets.md)",
        "Any stage also takes fault=FAULT to inject a fault (docs/ladder.md), e.g. fault=crash@3.",
        "",
        "A key file holds 32 raw bytes or 64 hex characters:",
        "  head -c 32 /dev/urandom > key.bin      openssl rand -hex 32 > key.hex",
        "",
        "Examples:",
        "  flowswitch run examples/encrypt-file.fml --key k1=examples/data/key.bin",
        "  flowswitch run examples/full-ladder.fml --key k1=examples/data/key.bin --receipt receipt.json",
        "  flowswitch run --from file-source:path=in.bin --via aes-gcm-encrypt:key=k1 \\",
        "      --to file-sink:path=c.enc --key k1=key.bin",
        "  flowswitch run --from file-source:path=c.enc --via aes-gcm-decrypt:key=k1 \\",
        "      --via sha256 --to file-sink:path=back.bin --key k1=key.bin",
        "  flowswitch run --from file-source:path=big.bin --key k1=key.hex \\",
        "      --via aes-gcm-encrypt:key=k1,replicas=2 \\",
        "      --to tcp-sink:host=127.0.0.1,port=9000 --chunk 256KiB --transport aeron"})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE.fml",
        description = "An FML program to run, instead of --from/--via/--to.")
    Path program;

    @Option(names = "--from", paramLabel = StageArg.FORM, converter = StageArg.Converter.class,
        description = "The source stage, e.g. file-source:path=in.bin (without FILE.fml)")
    StageArg from;

    @Option(names = "--via", paramLabel = StageArg.FORM, converter = StageArg.Converter.class,
        description = "A transform stage, in order; repeatable. e.g. aes-gcm-encrypt:key=k1,replicas=2")
    List<StageArg> via = new ArrayList<>();

    @Option(names = "--to", paramLabel = StageArg.FORM, converter = StageArg.Converter.class,
        description = "The sink stage, e.g. file-sink:path=out.enc (without FILE.fml)")
    StageArg to;

    @Option(names = "--key", paramLabel = "NAME=FILE", converter = KeyArg.Converter.class,
        description = "A 256-bit key that stages refer to by NAME (key=NAME); repeatable."
            + " FILE holds 32 raw bytes or 64 hex characters.")
    List<KeyArg> keys = new ArrayList<>();

    @Option(names = "--chunk", paramLabel = "SIZE", defaultValue = "64KiB", converter = SizeParser.Converter.class,
        description = "Payload bytes per chunk, 1KiB to 1MiB, e.g. 4096, 64KiB, 1MiB. Default: ${DEFAULT-VALUE}.")
    long chunkBytes;

    @Option(names = "--transport", paramLabel = "fused|aeron", defaultValue = "fused",
        converter = TransportConverter.class, description = TransportConverter.HELP)
    Transport transport;

    @Option(names = "--port-capacity", paramLabel = "N", defaultValue = "" + FlowSpec.DEFAULT_PORT_CAPACITY_CHUNKS,
        description = "Chunks each edge's data port holds, 1 to " + FlowSpec.MAX_PORT_CAPACITY_CHUNKS
            + ". Default: ${DEFAULT-VALUE}.")
    int portCapacityChunks;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "run",
        description = "The flow's name in logs and reports. Default: ${DEFAULT-VALUE}.")
    String name;

    @Option(names = "--receipt", paramLabel = "FILE",
        description = "Write the flow's path receipt as JSON to FILE, whether it succeeds or fails: which device"
            + " instance or software path produced each stage's output, and every exception-ladder step taken.")
    Path receipt;

    @Option(names = "--progress", negatable = true,
        description = "Show (or, with --no-progress, hide) the progress bar. Default: shown only on a terminal.")
    Boolean progress;

    private final FlowswitchCommand root;

    RunCommand(FlowswitchCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() {
        if (program != null) {
            return runProgram();
        }
        if (from == null || to == null) {
            throw new ParameterException(spec.commandLine(), "give a program FILE.fml, or a flow as --from SOURCE"
                + " [--via TRANSFORM]... --to SINK" + (from == null && to == null ? "" : ": --"
                + (from == null ? "from" : "to") + " is missing"));
        }
        checkChunkBytes(chunkBytes);
        checkPortCapacity();
        final List<StageArg> stages = new ArrayList<>();
        stages.add(from);
        stages.addAll(via);
        stages.add(to);
        final Map<String, byte[]> keyBytes = loadKeys(stages);
        final FlowSpec flow;
        try {
            final Flows.Builder builder = Flows.from(from.toSpec());
            via.forEach(stage -> builder.via(stage.toSpec()));
            builder.to(to.toSpec())
                .name(name)
                .chunkBytes((int) chunkBytes)
                .transport(transport)
                .portCapacityChunks(portCapacityChunks);
            keyBytes.forEach(builder::key);
            flow = builder.build();
        } finally {
            keyBytes.values().forEach(bytes -> Arrays.fill(bytes, (byte) 0));
        }
        final FlowSwitch node = root.acquireNode();
        final FlowRunner.Outcome outcome;
        try {
            outcome = FlowRunner.run(node, flow, ProgressBar.wanted(progress), spec.commandLine().getErr(), null,
                this::writeReceipt);
        } finally {
            root.releaseNode(node);
        }
        RunSummary.print(spec.commandLine().getOut(), chain(stages), outcome);
        return ExitCodes.DONE;
    }

    /** {@code run FILE.fml}: check (this machine too), lower with the keys, run, summarise. */
    private int runProgram() {
        final List<String> conflicting = new ArrayList<>();
        for (String option : List.of("--from", "--via", "--to", "--chunk", "--transport", "--name")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                conflicting.add(option);
            }
        }
        if (!conflicting.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give a program FILE.fml or " + String.join(", ", conflicting)
                + ", not both: the program sets its own stages, chunk size, transport and name");
        }
        Programs.requireReadable(program);
        final PrintWriter out = spec.commandLine().getOut();
        final FmlPlan plan = Programs.planOrReject(Programs.check(program, true), out, out);
        final Map<String, byte[]> keyBytes = loadKeys();
        final FlowSpec flow;
        try {
            for (String declared : plan.keys()) {
                if (!keyBytes.containsKey(declared)) {
                    throw CliException.usage("program '" + program + "' uses key '" + declared + "': give it with --key "
                        + declared + "=FILE");
                }
            }
            for (String given : keyBytes.keySet()) {
                if (!plan.keys().contains(given)) {
                    throw CliException.usage("--key " + given + ": program '" + program + "' declares no such key ("
                        + (plan.keys().isEmpty() ? "it declares none" : "it declares " + String.join(", ", plan.keys()))
                        + ")");
                }
            }
            final Map<String, SecretKey> material = new LinkedHashMap<>();
            keyBytes.forEach((name, bytes) -> material.put(name, new SecretKeySpec(bytes, "AES")));
            final FlowSpec planned = plan.spec(material);
            if (spec.commandLine().getParseResult().hasMatchedOption("--port-capacity")) {
                checkPortCapacity();
                flow = new FlowSpec(planned.name(), planned.stages(), planned.chunkBytes(), planned.transport(),
                    portCapacityChunks, planned.keys(), planned.policy(), planned.principal(), planned.events());
            } else {
                flow = planned;
            }
        } finally {
            keyBytes.values().forEach(bytes -> Arrays.fill(bytes, (byte) 0));
        }
        final FlowSwitch node = root.acquireNode();
        final FlowRunner.Outcome outcome;
        try {
            final long requestBytes = SmallRequests.requestBytes(flow);
            final long thresholdBytes = plan.policy().smallRequestThresholdBytes().orElse(-1);
            if (requestBytes >= 0 && requestBytes < thresholdBytes) {
                outcome = FlowRunner.direct(node, flow, "direct software path (" + requestBytes
                    + " B, below the policy's small-request threshold of " + thresholdBytes + " B)", this::writeReceipt);
            } else {
                outcome = FlowRunner.run(node, flow, ProgressBar.wanted(progress), spec.commandLine().getErr(),
                    plan.policy().timeout().orElse(null), this::writeReceipt);
            }
        } finally {
            root.releaseNode(node);
        }
        RunSummary.print(out, chain(plan) + " (" + plan.name() + ")", outcome);
        return ExitCodes.DONE;
    }

    private void writeReceipt(io.flowswitch.flow.FlowResult result) {
        if (receipt != null) {
            ReceiptJson.write(receipt, result);
        }
    }

    /** Reads every key file, and checks that each key a stage names was given. */
    private Map<String, byte[]> loadKeys(List<StageArg> stages) {
        final Map<String, byte[]> loaded = loadKeys();
        for (int i = 0; i < stages.size(); i++) {
            final String keyName = stages.get(i).params().get("key");
            if (keyName != null && !loaded.containsKey(keyName)) {
                throw CliException.usage("stage " + (i + 1) + " (" + stages.get(i).kind() + ") uses key '" + keyName
                    + "': give it with --key " + keyName + "=FILE");
            }
        }
        return loaded;
    }

    /** Reads every key file; the caller owns (and clears) the arrays. */
    private Map<String, byte[]> loadKeys() {
        final Map<String, byte[]> loaded = new LinkedHashMap<>();
        for (KeyArg key : keys) {
            if (loaded.containsKey(key.name())) {
                throw CliException.usage("--key " + key.name() + " is given twice");
            }
            loaded.put(key.name(), key.load());
        }
        return loaded;
    }

    private void checkPortCapacity() {
        if (portCapacityChunks < 1 || portCapacityChunks > FlowSpec.MAX_PORT_CAPACITY_CHUNKS) {
            throw CliException.usage("--port-capacity must be between 1 and " + FlowSpec.MAX_PORT_CAPACITY_CHUNKS
                + " chunks, got " + portCapacityChunks);
        }
    }

    static void checkChunkBytes(long chunkBytes) {
        if (chunkBytes < FlowContext.MIN_CHUNK_BYTES || chunkBytes > FlowContext.MAX_CHUNK_BYTES) {
            throw CliException.usage("--chunk must be between " + SizeParser.format(FlowContext.MIN_CHUNK_BYTES) + " and "
                + SizeParser.format(FlowContext.MAX_CHUNK_BYTES) + ", got " + SizeParser.format(chunkBytes));
        }
    }

    /** {@code file-source -> aes-gcm-encrypt x2 -> file-sink}. */
    static String chain(List<StageArg> stages) {
        return stages.stream().map(stage -> stage.kind() + (stage.replicas() > 1 ? " x" + stage.replicas() : ""))
            .collect(Collectors.joining(" -> "));
    }

    /** The same for a program's plan: {@code file-source -> rate-limit x4 -> file-sink}. */
    static String chain(FmlPlan plan) {
        return plan.stages().stream().map(stage -> stage.kind() + (stage.replicas() > 1 ? " x" + stage.replicas() : ""))
            .collect(Collectors.joining(" -> "));
    }
}
