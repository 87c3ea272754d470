package io.flowswitch.cli;

import io.flowswitch.flow.Transport;
import io.flowswitch.fml.plan.FmlPlan;
import io.flowswitch.fml.plan.LadderStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A plan as a Graphviz DOT graph, for {@code flowswitch explain --dot}: one box per stage (name, kind,
 * instances, parameters, ladder), an edge per hop of the chain, the flow's settings as the graph's label.
 * A replicated stage is drawn with a double border. Stateless.
 */
final class PlanGraph {
    private PlanGraph() {
    }

    static String dot(FmlPlan plan) {
        final StringBuilder out = new StringBuilder();
        out.append("digraph ").append(quote(plan.name())).append(" {\n");
        out.append("  graph [rankdir=LR, labelloc=t, fontname=\"Helvetica\", label=")
            .append(label(List.of(
                "flow " + plan.name() + " (principal " + plan.principal() + ")",
                "chunk " + SizeParser.format(plan.spec().chunkBytes()) + ", transport "
                    + (plan.spec().transport() == Transport.FUSED ? "fused" : "aeron")
                    + ", lanes " + plan.lanes(),
                "policy " + plan.policy().text())))
            .append("];\n");
        out.append("  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
        for (int i = 0; i < plan.stages().size(); i++) {
            final FmlPlan.StagePlan stage = plan.stages().get(i);
            final List<String> lines = new ArrayList<>();
            lines.add(stage.name());
            lines.add(stage.kind() + " (" + stage.role().name().toLowerCase(java.util.Locale.ROOT) + ", "
                + (stage.stateful() ? "pinned" : stage.replicas() > 1 ? "x" + stage.replicas()
                    : stage.replicas() == 0 ? "replicas auto" : "1 instance") + ")");
            final Map<String, String> params = new TreeMap<>(plan.spec().stages().get(i).params());
            params.forEach((name, value) -> lines.add(name + "=" + value));
            final List<LadderStep> ladder = plan.ladders().get(stage.name());
            if (ladder != null && !ladder.isEmpty()) {
                lines.add("on failure: " + ladder.stream().map(LadderStep::text).collect(Collectors.joining(" -> ")));
            }
            out.append("  s").append(i + 1).append(" [label=").append(label(lines));
            if (stage.replicas() > 1) {
                out.append(", peripheries=2");
            }
            out.append("];\n");
        }
        for (int i = 1; i < plan.stages().size(); i++) {
            out.append("  s").append(i).append(" -> s").append(i + 1).append(";\n");
        }
        out.append("}\n");
        return out.toString();
    }

    /** Lines of a label, each centred: DOT's {@code \n} escape between them. */
    private static String label(List<String> lines) {
        return lines.stream().map(PlanGraph::escape).collect(Collectors.joining("\\n", "\"", "\""));
    }

    static String quote(String text) {
        return "\"" + escape(text) + "\"";
    }

    /** The text inside a DOT string: quotes and backslashes escaped, line breaks as {@code \n}. */
    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("\\R", "\\\\n");
    }
}
