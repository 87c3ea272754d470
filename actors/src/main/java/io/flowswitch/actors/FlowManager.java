package io.flowswitch.actors;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.flow.compile.FlowCompiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The node's flow manager: owns the device actors (one per device instance) and opens flows, each under
 * its own {@link FlowSupervisor}. O(1) messages per flow, never per chunk.
 */
public final class FlowManager {
    public sealed interface Command permits OpenFlow, CancelFlow, ListDevices {}

    /**
     * Opens a flow. {@code compiled} completes once the flow runs (or exceptionally if it cannot be set
     * up); {@code result} always completes, with the error inside when the flow failed.
     */
    public record OpenFlow(long flowId, FlowSpec spec, CompletableFuture<CompiledFlow> compiled,
        CompletableFuture<FlowResult> result) implements Command {}

    public record CancelFlow(long flowId, String reason) implements Command {}

    /** Replies with every device instance, by kind. */
    public record ListDevices(ActorRef<Map<String, List<ActorRef<DeviceActor.Command>>>> replyTo)
        implements Command {}

    private FlowManager() {
    }

    /**
     * @param instancesPerKind how many instances to start of each kind
     */
    public static Behavior<Command> create(FlowCompiler compiler, Executor blockingExecutor,
        Map<String, Integer> instancesPerKind, int maxLeasesPerInstance, int portCapacityChunks) {
        return Behaviors.setup(context -> {
            final Map<String, List<ActorRef<DeviceActor.Command>>> instancesByKind = new LinkedHashMap<>();
            for (DeviceKind kind : compiler.catalog().kinds()) {
                final List<ActorRef<DeviceActor.Command>> instances = new ArrayList<>();
                final int count = instancesPerKind.getOrDefault(kind.name(), 1);
                for (int i = 0; i < count; i++) {
                    instances.add(context.spawn(DeviceActor.create(kind, i, maxLeasesPerInstance, portCapacityChunks),
                        "device-" + kind.name() + "-" + i));
                }
                instancesByKind.put(kind.name(), List.copyOf(instances));
            }
            final Map<String, List<ActorRef<DeviceActor.Command>>> devices = Map.copyOf(instancesByKind);
            final Map<Long, ActorRef<FlowSupervisor.Command>> flows = new java.util.concurrent.ConcurrentHashMap<>();
            return Behaviors.receive(Command.class)
                .onMessage(OpenFlow.class, m -> {
                    final ActorRef<FlowSupervisor.Command> supervisor = context.spawn(
                        FlowSupervisor.create(m.flowId(), m.spec(), compiler, blockingExecutor, devices,
                            m.compiled(), m.result()),
                        "flow-" + m.flowId());
                    flows.put(m.flowId(), supervisor);
                    m.result().whenComplete((r, e) -> flows.remove(m.flowId()));
                    supervisor.tell(new FlowSupervisor.Start());
                    return Behaviors.same();
                })
                .onMessage(CancelFlow.class, m -> {
                    final ActorRef<FlowSupervisor.Command> supervisor = flows.get(m.flowId());
                    if (supervisor != null) {
                        supervisor.tell(new FlowSupervisor.Cancel(m.reason()));
                    }
                    return Behaviors.same();
                })
                .onMessage(ListDevices.class, m -> {
                    m.replyTo().tell(devices);
                    return Behaviors.same();
                })
                .build();
        });
    }
}
