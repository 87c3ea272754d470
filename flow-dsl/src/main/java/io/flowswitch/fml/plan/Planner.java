package io.flowswitch.fml.plan;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.frame.DeframeKind;
import io.flowswitch.devices.frame.FrameKind;
import io.flowswitch.devices.pass.PassKind;
import io.flowswitch.devices.split.JoinKind;
import io.flowswitch.devices.split.SplitKind;
import io.flowswitch.devices.tee.TeeKind;
import io.flowswitch.fml.diag.Code;
import io.flowswitch.fml.diag.Reporter;
import io.flowswitch.fml.parse.Ast;
import io.flowswitch.fml.resolve.ResolvedFlow;
import io.flowswitch.fml.verify.LadderSteps;
import io.flowswitch.fml.verify.ParamText;
import io.flowswitch.fml.verify.StructureVerifier;
import io.flowswitch.flow.ladder.EventRules;
import io.flowswitch.flow.ladder.ExternalEvent;
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
import java.util.TreeMap;

/**
 * Lowers a verified flow to an {@link FmlPlan}. A {@code tee} becomes a {@code tee} device stage with its
 * branch sink as parameters; a header program a {@code frame} (or, with {@code check}, {@code deframe})
 * device stage with the program in postfix form; {@code split} and {@code join} a {@code split} and a
 * {@code join} stage that share the header parts of the chunks between them; a {@code via} with a
 * pass-through range a {@code pass} stage that runs the device with the range marked on every chunk.
 * {@code replicas auto} becomes {@link StageSpec#AUTO}, sized by the node's scheduler when the flow opens.
 * What the language has but the runtime cannot run yet (a range on a {@code tee} or sink) is rejected
 * here with {@link Code#FML090}: the program is valid FML, it just cannot run today.
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
        int headerBytes = 0;
        int pairs = 0;
        for (Ast.Statement s : flow.chain()) {
            if (s instanceof Ast.Stage stage && stage.role() == Ast.Role.TEE) {
                // A tee is a device of its own that lends each chunk to the branch sink on the way.
                final Map<String, String> params = new TreeMap<>();
                params.put(TeeKind.TO, flow.kinds().get(stage).name());
                ParamText.of(stage.device()).forEach((name, value) -> params.put(TeeKind.BRANCH_PREFIX + name, value));
                stages.add(new StageSpec(TeeKind.NAME, params, 1));
                stagePlans.add(new FmlPlan.StagePlan(stage.name().text(), TeeKind.NAME, DeviceRole.TRANSFORM, 1, true));
            } else if (s instanceof Ast.Stage stage && stage.pass().isPresent()) {
                // The device runs inside a pass stage, which marks the range on every chunk it is given.
                final DeviceKind kind = flow.kinds().get(stage);
                final Ast.Range range = stage.pass().get();
                final int replicas = replicas(stage);
                final Map<String, String> params = new TreeMap<>();
                params.put(PassKind.DEVICE, kind.name());
                params.put(PassKind.FROM, Long.toString(range.from().value()));
                params.put(PassKind.TO, Long.toString(range.to().value()));
                ParamText.of(stage.device()).forEach((name, value) -> params.put(PassKind.DEVICE_PREFIX + name, value));
                stages.add(new StageSpec(PassKind.NAME, params, replicas, ladder(stageLadders, stage)));
                stagePlans.add(new FmlPlan.StagePlan(stage.name().text(), PassKind.NAME, DeviceRole.TRANSFORM, replicas,
                    kind.capabilities().getStateful()));
            } else if (s instanceof Ast.Stage stage) {
                final DeviceKind kind = flow.kinds().get(stage);
                final int replicas = replicas(stage);
                stages.add(new StageSpec(kind.name(), ParamText.of(stage.device()), replicas,
                    ladder(stageLadders, stage)));
                stagePlans.add(new FmlPlan.StagePlan(stage.name().text(), kind.name(), kind.role(), replicas,
                    kind.capabilities().getStateful()));
            } else if (s instanceof Ast.Header header) {
                // Compiled once per flow by the device; the program travels as a parameter in postfix form.
                final String kind = header.check() ? DeframeKind.NAME : FrameKind.NAME;
                final Map<String, String> params = new java.util.TreeMap<>();
                header.params().forEach(p -> params.put(p.name().text(), ParamText.of(p)));
                params.put(FrameKind.PROGRAM, HeaderLowering.program(header));
                stages.add(new StageSpec(kind, params, 1));
                stagePlans.add(new FmlPlan.StagePlan(header.check() ? "header check" : "header", kind,
                    DeviceRole.TRANSFORM, 1, true));
                headerBytes = StructureVerifier.headerBytes(header);
            } else if (s instanceof Ast.Split || s instanceof Ast.Join) {
                // A split and its join share the header parts of the chunks between them, by pair name.
                final boolean split = s instanceof Ast.Split;
                pairs += split ? 1 : 0;
                final String kind = split ? SplitKind.NAME : JoinKind.NAME;
                stages.add(new StageSpec(kind, Map.of(SplitKind.HEADER_BYTES, Integer.toString(headerBytes),
                    SplitKind.PAIR, Integer.toString(pairs)), 1));
                stagePlans.add(new FmlPlan.StagePlan(kind, kind, DeviceRole.TRANSFORM, 1, true));
            }
        }
        final int chunk = flow.chunk().map(c -> (int) c.size().value()).orElse(FlowContext.DEFAULT_CHUNK_BYTES);
        final Transport transport = flow.transport().map(t -> t.mode().text().equals("aeron") ? Transport.AERON_IPC
            : Transport.FUSED).orElse(Transport.FUSED);
        final Policy policy = policy(flow);
        final FlowSpec spec = new FlowSpec(flow.name(), stages, chunk, transport, FlowSpec.defaultPortCapacityChunks(transport),
            Map.of(), flowPolicy(policy), flow.principal());
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
        final FlowSpec withEvents = spec.withEvents(eventRules(flow));
        final int lanes = new FlowCompiler(catalog, null).lanes(withEvents);
        return Optional.of(new FmlPlan(flow.name(), flow.principal(), withEvents, List.copyOf(flow.keys().keySet()),
            stagePlans, lanes, policy, ladders, events));
    }

    /** The program's {@code on EVENT} handlers as the runtime's rules. */
    private static EventRules eventRules(ResolvedFlow flow) {
        EventRules rules = EventRules.NONE;
        for (ResolvedFlow.Handler h : flow.handlers()) {
            if (!h.on().stage()) {
                final ExternalEvent event = ExternalEvent.ofText(h.on().target().text()).orElseThrow();
                rules = rules.on(event, h.on().rules().stream().map(LadderSteps::of).toArray(Ladder.Step[]::new));
            }
        }
        return rules;
    }

    private static boolean supported(ResolvedFlow flow, Reporter reporter) {
        final int before = reporter.errorCount();
        for (Ast.Statement s : flow.chain()) {
            if (s instanceof Ast.Stage stage) {
                if (stage.role() != Ast.Role.VIA) {
                    stage.pass().ifPresent(r -> unsupported(reporter, r, "a pass-through range on a "
                        + stage.role().keyword(), "mark the range on a 'via' stage; a " + stage.role().keyword()
                        + " takes whole chunks"));
                }
            }
        }
        return reporter.errorCount() == before;
    }

    private static Ladder ladder(Map<String, Ladder> stageLadders, Ast.Stage stage) {
        return stageLadders.getOrDefault(stage.name().text(), Ladder.NONE);
    }

    /** A stage's replica count; {@link StageSpec#AUTO} for 'replicas auto', which the node's scheduler sizes. */
    private static int replicas(Ast.Stage stage) {
        return stage.replicas().map(r -> r.count().map(n -> (int) n.value()).orElse(StageSpec.AUTO)).orElse(1);
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
