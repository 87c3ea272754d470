package io.flowswitch.flow.compile;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.fault.Fault;
import io.flowswitch.devices.fault.FaultInjection;
import io.flowswitch.devices.fault.FaultState;
import io.flowswitch.devices.frame.FrameKind;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.ladder.EventRules;
import io.flowswitch.flow.ladder.ExternalEvent;
import io.flowswitch.flow.ladder.LadderCheck;
import io.flowswitch.flow.recovery.EventHandlingSink;
import io.flowswitch.flow.recovery.MtuChangeRules;
import io.flowswitch.flow.recovery.ReceiptRecorder;
import io.flowswitch.flow.recovery.SpareInstances;
import io.flowswitch.flow.recovery.StageRecovery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiler's side of the exception ladder: checks ladders and injected faults, wraps the devices of a
 * stage with a fault, and keeps one {@link StageRecovery} per transform stage that has a ladder or a fault
 * (those stages run as {@code LadderStage}s), and the flow's receipt. Built while one flow compiles; then
 * read only.
 */
final class Recoveries {
    private final DeviceCatalog catalog;
    private final SpareInstances spares;
    private final FlowContext context;
    private final ReceiptRecorder recorder;
    private final EventRules events;
    private final Map<Integer, StageRecovery> byStage = new HashMap<>();
    private final Map<Integer, FaultState> faults = new HashMap<>();

    Recoveries(long flowId, DeviceCatalog catalog, FlowContext context, SpareInstances spares, EventRules events) {
        this.spares = spares;
        this.events = events;
        this.catalog = catalog;
        this.context = context;
        this.recorder = new ReceiptRecorder(flowId);
    }

    /** Problems with a stage's ladder and injected fault, each a sentence that names the stage. */
    static List<String> check(String stageName, DeviceKind kind, StageSpec stage, DeviceParams params,
        FlowContext context, DeviceCatalog catalog) {
        final List<String> problems = new ArrayList<>();
        stage.faultText().ifPresent(text -> {
            try {
                FaultInjection.check(Fault.parse(text, stageName), kind, stageName);
            } catch (DeviceException e) {
                problems.add(e.getMessage());
            }
        });
        problems.addAll(LadderCheck.problems(stageName, kind, stage.ladder(), params, context, catalog));
        return problems;
    }

    /**
     * Problems with the flow's event rules that only the whole flow shows: rules for {@code mtu-change} need
     * a framer (kind {@code frame}), the one device whose records an MTU bounds.
     */
    static List<String> checkEvents(FlowSpec spec) {
        if (spec.events().of(ExternalEvent.MTU_CHANGE).isEmpty()
            || spec.stages().stream().anyMatch(stage -> stage.kind().equals(FrameKind.NAME))) {
            return List.of();
        }
        return List.of("on " + ExternalEvent.MTU_CHANGE.text() + ": the flow has no framer (a header program, kind "
            + FrameKind.NAME + ") whose records a path MTU bounds, so nothing could act on the rule; remove it, or"
            + " frame the stream");
    }

    /**
     * Whether the flow's sink has a fault injected or acts on external events: lanes share one positional
     * sink, which those wrappers are not, so such a flow does not run as lanes. (Ladders and faults elsewhere run in every lane.)
     */
    static boolean sinkFault(FlowSpec spec) {
        return !spec.stages().isEmpty() && spec.stages().get(spec.stages().size() - 1).faultText().isPresent()
            || spec.events().acts();
    }

    /**
     * {@code device}, instance {@code replica} of the stage's {@code replicas}, wrapped with the stage's fault
     * if it has one. A single instance is the stage's first instance. In lanes ({@code lanes}), a transform's
     * fault strikes the lane that first meets its chunk, and a source's the lane that reads its chunk; in a
     * balanced stage (two replicas or more, not lanes) the replica that first meets its chunk: the balance
     * hands chunks to whichever replica asks first, so replica 0 may never see the fault's chunk.
     */
    Device withFault(int index, StageSpec stage, Device device, int replica, int replicas, boolean lanes) {
        if (stage.faultText().isEmpty()) {
            return device;
        }
        final FaultState state = faults.computeIfAbsent(index, i -> {
            final FaultState created = new FaultState(Fault.parse(stage.faultText().get(), FlowCompiler.stageName(i, stage)));
            if (created.fault().type() == Fault.Type.MTU_CHANGE) {
                events.of(ExternalEvent.MTU_CHANGE).ifPresent(rules -> created.onMtuChange(new MtuChangeRules(rules,
                    (i + 1) + ":" + stage.kind(), context.flowId(), recorder)));
            }
            return created;
        });
        if (lanes && device instanceof io.flowswitch.devices.TransformDevice transform) {
            return FaultInjection.wrapLane(transform, state, replica, FlowCompiler.stageName(index, stage));
        }
        if (lanes && device instanceof io.flowswitch.devices.SourceDevice source) {
            return FaultInjection.wrapLane(source, state, replica, FlowCompiler.stageName(index, stage));
        }
        if (replicas > 1 && device instanceof io.flowswitch.devices.TransformDevice transform) {
            return FaultInjection.wrapReplica(transform, state, replica, FlowCompiler.stageName(index, stage));
        }
        return FaultInjection.wrap(device, state, replica == 0, FlowCompiler.stageName(index, stage));
    }

    /**
     * The flow's sink, acting on the flow's rules for external events ({@code sink-full}, {@code peer-reset})
     * when it has any beyond terminate; else {@code device} itself.
     */
    Device withEvents(int index, StageSpec stage, Device device, EventRules events) {
        if (!events.acts() || !(device instanceof SinkDevice sink)) {
            return device;
        }
        return new EventHandlingSink(sink, events, FlowCompiler.stageName(index, stage), (index + 1) + ":" + stage.kind(),
            context.flowId(), recorder);
    }

    /**
     * Records what stage {@code index} needs to climb its ladder, if it is a transform with a ladder or fault;
     * {@code balanced}: its replicas share a balance (two or more, not lanes), so a restart of a replica is
     * wrapped as that replica (see {@link #withFault}).
     */
    void add(int index, String stageName, DeviceKind kind, StageSpec stage, DeviceParams params, boolean balanced) {
        if (kind.role() != DeviceRole.TRANSFORM || (stage.ladder().terminatesOnly() && stage.faultText().isEmpty())) {
            return;
        }
        byStage.put(index, new StageRecovery(stageName, kind, params, context, catalog, stage.ladder(),
            faults.get(index), recorder, index, spares, balanced));
    }

    /** The stage's recovery, or {@code null} when it runs as a plain transform stage. */
    StageRecovery stage(int index) {
        return byStage.get(index);
    }

    /**
     * Has {@code crasher} told the index of a stage whose {@code actor-crash} fault fires, and the replica
     * whose first instance it struck.
     */
    void onActorCrash(CompiledFlow.ActorCrasher crasher) {
        faults.forEach((index, state) -> {
            if (state.fault().type() == Fault.Type.ACTOR_CRASH) {
                state.onActorCrash(replica -> crasher.crash(index, replica));
            }
        });
    }

    /** Whether no stage has a ladder or an injected fault: every device runs as it is. */
    boolean none() {
        return byStage.isEmpty() && faults.isEmpty();
    }

    ReceiptRecorder recorder() {
        return recorder;
    }
}
