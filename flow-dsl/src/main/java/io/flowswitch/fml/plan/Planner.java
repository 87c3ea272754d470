package io.flowswitch.fml.plan;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.fml.diag.Code;
import io.flowswitch.fml.diag.Reporter;
import io.flowswitch.fml.parse.Ast;
import io.flowswitch.fml.resolve.ResolvedFlow;
import io.flowswitch.fml.verify.LadderSteps;
import io.flowswitch.fml.verify.ParamText;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.FlowPolicy;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.flow.compile.FlowCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Lowers a verified flow to an {@link FmlPlan}. Constructs the language has but the runtime cannot run
 * yet ({@code tee}, header programs, {@code split}/{@code join}, pass-through ranges, {@code replicas
 * auto}) are rejected here with {@link Code#FML090}: the program is valid FML, it just cannot run today.
 * Stateless; thread-safe.
 */
public final class Planner {
    private final DeviceCatalog catalog;

    public Planner(DeviceCatalog catalog) {
        this.catalog = catalog;
    }

    /** The plan, or empty after reporting why the runtime cannot run the flow. Call only on a verified flow. */
    public Optional<FmlPlan> plan(ResolvedFlow flow, Reporter reporter) {
        if (!supported(flow, reporter)) {
            return Optional.empty();
        }
        final Map<String, Ladder> stageLadders = new LinkedHashMap<>();
        for (ResolvedFlow.Handler h : flow.handlers()) {
            if (h.on().stage()) {
                stageLadders.put(h.on().target().text(), Ladder.of(h.on().rules().stream().map(LadderSteps::of).toList()));
            }
        }
        final List<StageSpec> stages = new ArrayList<>();
        final List<FmlPlan.StagePlan> stagePlans = new ArrayList<>();
        for (Ast.Stage stage : flow.stages()) {
            final DeviceKind kind = flow.kinds().get(stage);
            final int replicas = stage.replicas().flatMap(Ast.Replicas::count).map(n -> (int) n.value()).orElse(1);
            stages.add(new StageSpec(kind.name(), ParamText.of(stage.device()), replicas,
                stageLadders.getOrDefault(stage.name().text(), Ladder.NONE)));
            stagePlans.add(new FmlPlan.StagePlan(stage.name().text(), kind.name(), kind.role(), replicas,
                kind.capabilities().getStateful()));
        }
        final int chunk = flow.chunk().map(c -> (int) c.size().value()).orElse(FlowContext.DEFAULT_CHUNK_BYTES);
        final Transport transport = flow.transport().map(t -> t.mode().text().equals("aeron") ? Transport.AERON_IPC
            : Transport.FUSED).orElse(Transport.FUSED);
        final Policy policy = policy(flow);
        final FlowSpec spec = new FlowSpec(flow.name(), stages, chunk, transport, FlowSpec.defaultPortCapacityChunks(transport),
            Map.of(), flowPolicy(policy));
        final Map<String, List<LadderStep>> ladders = new LinkedHashMap<>();
        final Map<String, List<LadderStep>> events = new LinkedHashMap<>();
        for (ResolvedFlow.Handler h : flow.handlers()) {
            final List<LadderStep> steps = h.on().rules().stream().map(Planner::step).toList();
            if (h.on().stage()) {
                ladders.put(h.on().target().text(), steps);
            } else {
                events.put(h.on().target().text(), steps);
            }
        }
        final int lanes = new FlowCompiler(catalog, null).lanes(spec);
        return Optional.of(new FmlPlan(flow.name(), flow.principal(), spec, List.copyOf(flow.keys().keySet()),
            stagePlans, lanes, policy, ladders, events));
    }

    private static boolean supported(ResolvedFlow flow, Reporter reporter) {
        final int before = reporter.errorCount();
        for (Ast.Statement s : flow.chain()) {
            if (s instanceof Ast.Stage stage) {
                if (stage.role() == Ast.Role.TEE) {
                    unsupported(reporter, stage, "'tee' (a copy of the stream to a second sink)",
                        "remove the tee, or run a second flow that reads the same input");
                }
                stage.replicas().filter(r -> r.count().isEmpty()).ifPresent(r -> unsupported(reporter, r,
                    "'replicas auto'", "give a number: replicas 2"));
                stage.pass().ifPresent(r -> unsupported(reporter, r, "a pass-through range",
                    "remove the range; the device then processes the whole chunk"));
            } else if (s instanceof Ast.Header) {
                unsupported(reporter, s, "a header program", "frame records in the application for now");
            } else if (s instanceof Ast.Split) {
                unsupported(reporter, s, "'split'", "remove split and join; devices then see whole chunks");
            }
        }
        return reporter.errorCount() == before;
    }

    private static void unsupported(Reporter reporter, Ast.Node at, String what, String help) {
        reporter.error(Code.FML090, at.span(), what + " is valid FML but not supported by the runtime yet", help);
    }

    private static LadderStep step(Ast.Rule rule) {
        if (rule instanceof Ast.Retry r) {
            return new LadderStep.Retry((int) r.times().value(), r.backoff().map(b -> Duration.ofNanos(b.value())));
        }
        if (rule instanceof Ast.Ignore) {
            return new LadderStep.IgnoreTransient();
        }
        if (rule instanceof Ast.Redirect r) {
            return new LadderStep.Redirect(r.kind().map(Ast.Ident::text));
        }
        if (rule instanceof Ast.Notify) {
            return new LadderStep.Notify();
        }
        if (rule instanceof Ast.Fallback) {
            return new LadderStep.FallbackSoftware();
        }
        return new LadderStep.Terminate();
    }

    /**
     * What the scheduler sees of a policy: its rate (0 when none), and its priority as a weight: priority
     * 0 (the lowest, and the default) weighs 1, priority 9 weighs 10.
     */
    static FlowPolicy flowPolicy(Policy policy) {
        return new FlowPolicy(policy.rateBytesPerSecond().orElse(0), policy.priority().orElse(0) + 1);
    }

    private static Policy policy(ResolvedFlow flow) {
        final Map<String, Ast.Setting> p = flow.policy();
        final Ast.Setting rate = p.get("rate");
        final Ast.Setting priority = p.get("priority");
        final Ast.Setting threshold = p.get("small-request-threshold");
        final Ast.Setting timeout = p.get("timeout");
        return new Policy(
            rate == null ? OptionalLong.empty() : OptionalLong.of(rate.value().value()),
            priority == null ? OptionalInt.empty() : OptionalInt.of((int) priority.value().value()),
            threshold == null ? OptionalLong.empty() : OptionalLong.of(threshold.value().value()),
            timeout == null ? Optional.empty() : Optional.of(Duration.ofNanos(timeout.value().value())));
    }
}
