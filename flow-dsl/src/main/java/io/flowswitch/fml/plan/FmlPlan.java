package io.flowswitch.fml.plan;

import io.flowswitch.devices.DeviceRole;
import io.flowswitch.flow.FlowException;
import io.flowswitch.fml.lex.Units;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;

/**
 * A verified flow, lowered: the {@link FlowSpec} the compiler runs (the same one the Java builder
 * {@code Flows} produces for the same flow, without keys), plus what the spec does not carry yet: the
 * principal, the policy, the exception ladder of each stage and the handlers of external events. Holds
 * no key material: {@link #spec(Map)} adds the keys the application passes by name. Immutable.
 *
 * @param keys    the key names the program declares; the application must pass each
 * @param lanes   how many parallel lanes the compiler will run the flow as (1: none)
 * @param ladders per stage name, the ladder rules in ladder order; stages without rules are absent
 * @param events  per external event ({@code peer-reset}, {@code mtu-change}, {@code sink-full}), its rules
 */
public record FmlPlan(
    String name,
    String principal,
    FlowSpec spec,
    List<String> keys,
    List<StagePlan> stages,
    int lanes,
    Policy policy,
    Map<String, List<LadderStep>> ladders,
    Map<String, List<LadderStep>> events) {

    /** One stage as {@code explain} shows it; {@code stateful} stages stay pinned to one instance per flow. */
    public record StagePlan(String name, String kind, DeviceRole role, int replicas, boolean stateful) {
    }

    public FmlPlan {
        Objects.requireNonNull(spec, "spec");
        keys = List.copyOf(keys);
        stages = List.copyOf(stages);
        ladders = Collections.unmodifiableMap(new LinkedHashMap<>(ladders));
        events = Collections.unmodifiableMap(new LinkedHashMap<>(events));
    }

    /**
     * The spec with the flow's keys. Only the keys the program declares are taken from {@code material}.
     *
     * @throws FlowException {@code NO_SUCH_KEY} when a declared key is missing
     */
    public FlowSpec spec(Map<String, SecretKey> material) {
        final Map<String, SecretKey> given = new HashMap<>();
        final List<String> missing = new ArrayList<>();
        for (String key : keys) {
            final SecretKey k = material.get(key);
            if (k == null) {
                missing.add(key);
            } else {
                given.put(key, k);
            }
        }
        if (!missing.isEmpty()) {
            throw new FlowException("NO_SUCH_KEY", "flow '" + name + "' needs key" + (missing.size() > 1 ? "s " : " ")
                + String.join(", ", missing) + ", which the application did not pass");
        }
        return new FlowSpec(spec.name(), spec.stages(), spec.chunkBytes(), spec.transport(), spec.portCapacityChunks(),
            given, spec.policy(), spec.principal(), spec.events());
    }

    /** The plan as text, for {@code flowswitch explain}. */
    public String describe() {
        final StringBuilder out = new StringBuilder();
        out.append("flow ").append(name).append('\n');
        line(out, "principal", principal);
        line(out, "chunk", Units.size(spec.chunkBytes()));
        line(out, "transport", spec.transport() == io.flowswitch.flow.Transport.FUSED ? "fused" : "aeron");
        line(out, "keys", keys.isEmpty() ? "none" : String.join(", ", keys));
        line(out, "policy", policy.text());
        out.append("  stages\n");
        int nameWidth = "name".length();
        int kindWidth = "kind".length();
        for (StagePlan s : stages) {
            nameWidth = Math.max(nameWidth, s.name().length());
            kindWidth = Math.max(kindWidth, s.kind().length());
        }
        final String row = "    %-2s %-9s  %-" + nameWidth + "s  %-" + kindWidth + "s  %-9s  %s";
        out.append(String.format(Locale.ROOT, row, "#", "role", "name", "kind", "instances", "parameters")).append('\n');
        for (int i = 0; i < stages.size(); i++) {
            final StagePlan s = stages.get(i);
            final String instances = s.stateful() ? "pinned" : s.replicas() > 1 ? "x" + s.replicas()
                : s.replicas() == StageSpec.AUTO ? "auto" : "1";
            final String params = new TreeMap<>(spec.stages().get(i).params()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
            out.append(String.format(Locale.ROOT, row, i + 1, s.role().name().toLowerCase(Locale.ROOT), s.name(),
                s.kind(), instances, params).stripTrailing()).append('\n');
        }
        line(out, "replication", replication());
        out.append("  ladders\n");
        if (ladders.isEmpty()) {
            out.append("    none: a failed device ends the flow\n");
        }
        ladders.forEach((stage, steps) -> out.append("    ").append(stage).append(": ")
            .append(chain(steps, "terminate")).append('\n'));
        out.append("  events\n");
        if (events.isEmpty()) {
            out.append("    none: the built-in handling applies\n");
        }
        events.forEach((event, steps) -> out.append("    ").append(event).append(": ")
            .append(chain(steps, "the built-in handling")).append('\n'));
        return out.toString();
    }

    private String replication() {
        final List<StagePlan> replicated = stages.stream().filter(s -> s.replicas() > 1).toList();
        final List<String> auto = stages.stream().filter(s -> s.replicas() == StageSpec.AUTO && !s.stateful())
            .map(StagePlan::name).toList();
        if (!auto.isEmpty()) {
            return "auto: the scheduler replicates " + String.join(", ", auto) + " when the flow opens, as far as the"
                + " flow's peak needs and instances are free" + (replicated.isEmpty() ? "" : "; "
                + replicated.stream().map(s -> s.name() + " over " + s.replicas() + " replicas")
                    .collect(Collectors.joining(", ")));
        }
        if (replicated.isEmpty()) {
            return "none: one instance per stage";
        }
        if (lanes > 1) {
            return lanes + " lanes: each reads, transforms and writes its own chunks (positional source and sink,"
                + " lane-safe transforms)";
        }
        return "balance and merge: " + replicated.stream().map(s -> s.name() + " over " + s.replicas() + " replicas")
            .collect(Collectors.joining(", ")) + ", merged back in sequence order";
    }

    /** The steps joined by arrows, and what happens when the last one does not end the matter. */
    private static String chain(List<LadderStep> steps, String otherwise) {
        if (steps.isEmpty()) {
            return "(no rules) then " + otherwise;
        }
        final String text = steps.stream().map(LadderStep::text).collect(Collectors.joining(" -> "));
        return steps.get(steps.size() - 1) instanceof LadderStep.Terminate ? text : text + " -> (then " + otherwise + ")";
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "  %-12s %s", label, value)).append('\n');
    }
}
