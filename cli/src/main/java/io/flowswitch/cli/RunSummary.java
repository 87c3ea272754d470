package io.flowswitch.cli;

import io.flowswitch.devices.stage.StageCounters;
import io.flowswitch.flow.FlowResult;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints what a finished flow did, for {@code flowswitch run}: totals, per-stage counters, results, edges. */
final class RunSummary {
    private RunSummary() {
    }

    static void print(PrintWriter out, String chain, FlowRunner.Outcome outcome) {
        final FlowResult result = outcome.result();
        out.printf(Locale.ROOT, "flow %d done: %s%n", result.flowId(), chain);
        out.printf(Locale.ROOT, "  bytes     in %d (%s), out %d (%s)%n", result.bytesIn(), Units.bytes(result.bytesIn()),
            result.bytesOut(), Units.bytes(result.bytesOut()));
        out.printf(Locale.ROOT, "  chunks    %d%n", result.chunks());
        out.printf(Locale.ROOT, "  elapsed   %s, %s%n", Units.seconds(result.elapsedNs()),
            Units.rate(result.throughputBytesPerSecond()));
        printStages(out, result.stages());
        final Map<String, String> results = stageResults(result.stages());
        if (!results.isEmpty()) {
            final int width = results.keySet().stream().mapToInt(String::length).max().orElse(0);
            out.println("  results");
            results.forEach((stage, values) -> out.printf(Locale.ROOT, "    %-" + width + "s  %s%n", stage, values));
        }
        if (!outcome.edges().isEmpty()) {
            out.printf(Locale.ROOT, "  edges     %s%n", String.join(", ", outcome.edges()));
        }
        if (!result.receipt().steps().isEmpty()) {
            out.println("  ladder");
            result.receipt().steps().forEach(step -> out.printf(Locale.ROOT, "    %s step %d: %s (%s at chunk %d)%n",
                step.stage(), step.step(), step.action(), step.code(), step.sequence()));
        }
        out.flush();
    }

    private static void printStages(PrintWriter out, List<FlowResult.StageReport> stages) {
        final boolean rejections = stages.stream().anyMatch(stage -> stage.creditRejections() > 0);
        int width = "stage".length();
        for (FlowResult.StageReport stage : stages) {
            width = Math.max(width, stage.counters().stage().length());
        }
        final String row = "  %-" + width + "s %10s %14s %10s %14s %9s" + (rejections ? " %10s" : "") + "%n";
        out.printf(Locale.ROOT, row, "stage", "chunks in", "bytes in", "chunks out", "bytes out", "busy",
            "rejected");
        for (int i = 0; i < stages.size(); i++) {
            final StageCounters counters = stages.get(i).counters();
            final boolean source = i == 0;
            final boolean sink = i == stages.size() - 1;
            out.printf(Locale.ROOT, row, counters.stage(),
                source ? "-" : Long.toString(counters.chunksIn()), source ? "-" : Long.toString(counters.bytesIn()),
                sink ? "-" : Long.toString(counters.chunksOut()), sink ? "-" : Long.toString(counters.bytesOut()),
                Units.seconds(counters.busyNs()), Long.toString(stages.get(i).creditRejections()));
        }
    }

    /**
     * One line per stage that reported results, in stage order: {@code 2:sha256 -> "sha256=ab12..."}.
     * Replicas of a stage share their results, so a stage appears once.
     */
    static Map<String, String> stageResults(List<FlowResult.StageReport> stages) {
        final Map<String, String> results = new LinkedHashMap<>();
        for (FlowResult.StageReport stage : stages) {
            final String name = stage.counters().stage();
            final int hash = name.indexOf('#');
            final String stageName = hash < 0 ? name : name.substring(0, hash);
            if (!stage.results().isEmpty() && !results.containsKey(stageName)) {
                results.put(stageName, stage.results().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(" ")));
            }
        }
        return results;
    }
}
