package io.flowswitch.cli;

import io.flowswitch.actors.DeviceActor;
import io.flowswitch.actors.FlowManager;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.port.IpcStreamPool;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.proto.DeviceCapabilities;
import io.flowswitch.proto.Health;
import io.flowswitch.scheduler.Rates;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flowswitch devices}: the device kinds a node has and the state of their instances. */
@Command(name = "devices",
    header = "List the device kinds of a node and their instances.",
    mixinStandardHelpOptions = true,
    versionProvider = FlowswitchCommand.Version.class,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "Lists the device kinds of a node and their instances: role, instance count, leases in use and the"
            + " limit, the rate the node's ledger has reserved of the kind and its limit, the rate one instance measured"
            + " (a self-benchmark at start, then running flows; - when not measured), health, functions, whether the kind is stateful (pinned to one instance per flow), whether"
            + " a software reference path exists, and what the kind does.",
        "After the table: the node's pool of connected Aeron IPC streams kept between flows (idle streams and their"
            + " log bytes, the pool's bounds, streams flows hold now, opened and reused so far)."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.DONE_LINE, ExitCodes.FLOW_FAILED_LINE, ExitCodes.USAGE_LINE, ExitCodes.REJECTED_LINE},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch devices",
        "  flowswitch devices --instances",
        "  flowswitch devices --format json"})
final class DevicesCommand implements Callable<Integer> {
    enum Format { TEXT, JSON }

    private static final long ASK_TIMEOUT_SECONDS = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
        description = "Output format: text (a table) or json (one object with every kind and instance)."
            + " Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--instances", description = "In text output, also list every instance under its kind.")
    boolean instances;

    private final FlowswitchCommand root;

    DevicesCommand(FlowswitchCommand root) {
        this.root = root;
    }

    /**
     * One kind with its instances and what the node's ledger holds of it ({@code usage} is null for a kind
     * the node does not lease).
     */
    record KindView(DeviceKind kind, List<DeviceActor.Description> instances, FlowManager.KindUsage usage) {
        DeviceCapabilities capabilities() {
            return instances.isEmpty() ? kind.capabilities() : instances.get(0).capabilities();
        }

        /** {@code 120 MiB/s of 200 MiB/s}, or {@code -}. */
        String rate() {
            return usage == null ? "-" : Rates.format(usage.inUseBytesPerSecond()) + " of "
                + Rates.format(usage.limitBytesPerSecond());
        }

        /**
         * One instance's measured rate: the ledger's moving average (self-benchmark, then flows), else what
         * the instances describe; 0 when the kind was never measured.
         */
        double measuredBytesPerSecond() {
            if (usage != null && usage.measuredBytesPerSecond() > 0) {
                return usage.measuredBytesPerSecond();
            }
            return capabilities().getMeasuredBytesPerSecond();
        }

        /** {@code 1.8 GiB/s}, or {@code -} when not measured. */
        String measured() {
            final double rate = measuredBytesPerSecond();
            return rate > 0 ? Rates.format(rate) : "-";
        }

        int leases() {
            return instances.stream().mapToInt(DeviceActor.Description::leases).sum();
        }

        long maxLeases() {
            return instances.stream().mapToLong(DeviceActor.Description::maxLeases).sum();
        }

        /** {@code healthy}, or a count per state: {@code 3 healthy, 1 degraded}. */
        String health() {
            final Map<Health, Integer> counts = new EnumMap<>(Health.class);
            instances.forEach(instance -> counts.merge(instance.health(), 1, Integer::sum));
            if (counts.size() == 1) {
                return word(counts.keySet().iterator().next());
            }
            return counts.entrySet().stream().map(entry -> entry.getValue() + " " + word(entry.getKey()))
                .collect(Collectors.joining(", "));
        }
    }

    @Override
    public Integer call() {
        final FlowSwitch node = root.acquireNode();
        final List<KindView> kinds;
        final IpcStreamPool.Stats streams;
        try {
            kinds = describe(node);
            streams = node.ipcStreams();
        } finally {
            root.releaseNode(node);
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (format == Format.JSON) {
            printJson(out, kinds, streams);
        } else {
            printText(out, kinds);
            out.println();
            out.println(streamsLine(streams));
        }
        out.flush();
        return ExitCodes.DONE;
    }

    static List<KindView> describe(FlowSwitch node) {
        final List<DeviceActor.Description> all;
        final FlowManager.Usage usage;
        try {
            all = node.devices().toCompletableFuture().get(ASK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            usage = node.usage().toCompletableFuture().get(ASK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FLOW_FAILED, "interrupted while asking the node for its devices", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new CliException(ExitCodes.FLOW_FAILED, "the node did not describe its devices: "
                + Failure.of(e instanceof ExecutionException ? e.getCause() : e).message(), e);
        }
        final List<KindView> kinds = new ArrayList<>();
        for (DeviceKind kind : node.catalog().kinds()) {
            final String prefix = kind.name() + "#";
            kinds.add(new KindView(kind, all.stream().filter(d -> d.instance().startsWith(prefix)).toList(),
                usage.kinds().get(kind.name())));
        }
        return kinds;
    }

    private void printText(PrintWriter out, List<KindView> kinds) {
        if (kinds.isEmpty()) {
            out.println("this node has no device kinds");
            return;
        }
        final List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"KIND", "ROLE", "INSTANCES", "LEASES", "RATE IN USE", "MEASURED", "HEALTH", "STATEFUL", "SOFTWARE", "FUNCTIONS"});
        for (KindView view : kinds) {
            final DeviceCapabilities capabilities = view.capabilities();
            rows.add(new String[] {
                view.kind().name(),
                view.kind().role().name().toLowerCase(Locale.ROOT),
                Integer.toString(view.instances().size()),
                view.leases() + "/" + view.maxLeases(),
                view.rate(),
                view.measured(),
                view.health(),
                capabilities.getStateful() ? "yes" : "no",
                capabilities.getHasSoftwarePath() ? "yes" : "no",
                capabilities.getFunctionsCount() == 0 ? "-" : String.join(",", capabilities.getFunctionsList())});
        }
        final int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        out.println(line(rows.get(0), widths));
        for (int k = 0; k < kinds.size(); k++) {
            final KindView view = kinds.get(k);
            out.println(line(rows.get(k + 1), widths));
            // Descriptions are sentences with the kind's parameters: too long for a column.
            out.println("    " + view.kind().description());
            if (instances) {
                for (DeviceActor.Description instance : view.instances()) {
                    out.printf(Locale.ROOT, "    %s  leases %d/%d  %s%n", instance.instance(), instance.leases(),
                        instance.maxLeases(), word(instance.health()));
                }
            }
        }
    }

    /**
     * The node's pool of connected Aeron IPC streams, after the table: {@code aeron streams: 4 idle (12 MiB of
     * log each...), 0 leased; ...}.
     */
    static String streamsLine(IpcStreamPool.Stats streams) {
        return String.format(Locale.ROOT, "aeron streams: %d idle (%s of log; keeps at most %d, %s), %d leased;"
                + " %d opened, %d reused, %d closed unclean, %d closed over bound", streams.idleStreams(),
            Rates.formatBytes(streams.idleLogBytes()), streams.maxIdleStreams(),
            Rates.formatBytes(streams.maxIdleLogBytes()), streams.leasedStreams(), streams.opened(), streams.reused(),
            streams.closedUnclean(), streams.closedOverBound());
    }

    private static String line(String[] row, int[] widths) {
        final StringBuilder text = new StringBuilder();
        for (int c = 0; c < row.length; c++) {
            text.append(row[c]);
            if (c < row.length - 1) {
                text.append(" ".repeat(widths[c] - row[c].length() + 2));
            }
        }
        return text.toString();
    }

    private static void printJson(PrintWriter out, List<KindView> kinds, IpcStreamPool.Stats streams) {
        out.println("{");
        out.println("  \"aeronStreams\": {\"idle\": " + streams.idleStreams() + ", \"idleLogBytes\": "
            + streams.idleLogBytes() + ", \"leased\": " + streams.leasedStreams() + ", \"opened\": " + streams.opened()
            + ", \"reused\": " + streams.reused() + ", \"closedUnclean\": " + streams.closedUnclean()
            + ", \"closedOverBound\": " + streams.closedOverBound() + ", \"maxIdleStreams\": "
            + streams.maxIdleStreams() + ", \"maxIdleLogBytes\": " + streams.maxIdleLogBytes() + "},");
        out.println("  \"kinds\": [");
        for (int k = 0; k < kinds.size(); k++) {
            final KindView view = kinds.get(k);
            final DeviceCapabilities capabilities = view.capabilities();
            out.println("    {");
            out.println("      \"kind\": " + Json.string(view.kind().name()) + ",");
            out.println("      \"role\": " + Json.string(view.kind().role().name().toLowerCase(Locale.ROOT)) + ",");
            out.println("      \"description\": " + Json.string(view.kind().description()) + ",");
            out.println("      \"functions\": [" + capabilities.getFunctionsList().stream().map(Json::string)
                .collect(Collectors.joining(", ")) + "],");
            out.println("      \"stateful\": " + capabilities.getStateful() + ",");
            out.println("      \"passThrough\": " + capabilities.getPassThrough() + ",");
            out.println("      \"softwarePath\": " + capabilities.getHasSoftwarePath() + ",");
            out.println("      \"maxChunkBytes\": " + capabilities.getMaxChunkBytes() + ",");
            out.println("      \"measuredBytesPerSecond\": " + jsonNumber(view.measuredBytesPerSecond()) + ",");
            out.println("      \"portCapacityChunks\": " + capabilities.getPortCapacityChunks() + ",");
            out.println("      \"leases\": " + view.leases() + ",");
            out.println("      \"maxLeases\": " + view.maxLeases() + ",");
            if (view.usage() != null) {
                out.println("      \"inUseBytesPerSecond\": " + view.usage().inUseBytesPerSecond() + ",");
                out.println("      \"limitBytesPerSecond\": " + view.usage().limitBytesPerSecond() + ",");
            }
            out.println("      \"health\": " + Json.string(view.health()) + ",");
            out.println("      \"instances\": [");
            for (int i = 0; i < view.instances().size(); i++) {
                final DeviceActor.Description instance = view.instances().get(i);
                out.println("        {\"name\": " + Json.string(instance.instance()) + ", \"leases\": "
                    + instance.leases() + ", \"maxLeases\": " + instance.maxLeases() + ", \"health\": "
                    + Json.string(word(instance.health())) + "}" + (i < view.instances().size() - 1 ? "," : ""));
            }
            out.println("      ]");
            out.println("    }" + (k < kinds.size() - 1 ? "," : ""));
        }
        out.println("  ]");
        out.println("}");
    }

    private static String jsonNumber(double value) {
        return Double.isFinite(value) ? (value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value))
            : "null";
    }

    private static String word(Health health) {
        return health.name().toLowerCase(Locale.ROOT);
    }
}
