package io.flowswitch.actors;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.proto.DeviceCapabilities;
import io.flowswitch.proto.Health;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The control face of one device instance: it describes what the instance can do, reports its health,
 * resets it, and counts the leases the node's ledger granted on it. It never sees payload; the flow's
 * stages do.
 *
 * <p>Registered with the receptionist under {@link #serviceKey(String)} of its kind, so flows find
 * devices by kind, never by a reference baked into a graph. A stateful instance (a compressor) takes one
 * flow at a time: it stays pinned to that flow; a stateless one takes up to {@code maxLeases}.
 */
public final class DeviceActor {
    /** The control protocol. */
    public sealed interface Command permits Describe, CheckHealth, Reset, Leased, Release, ReportFault,
        UpdateMeasuredRate, Crash {}

    /** Replies with the kind's capabilities, this instance's count of leases and port capacity filled in. */
    public record Describe(ActorRef<Description> replyTo) implements Command {}

    public record CheckHealth(ActorRef<HealthReport> replyTo) implements Command {}

    /** Clears a fault: the instance is healthy again and takes leases. */
    public record Reset(ActorRef<Done> replyTo) implements Command {}

    /**
     * The node's ledger leased this instance to a flow (it decides capacity; this is news, not a question):
     * {@link Describe} counts it until {@link Release}. Idempotent.
     */
    public record Leased(long flowId) implements Command {}

    /** The flow is done with the instance. Idempotent. */
    public record Release(long flowId) implements Command {}

    /** The kind's measured rate changed (self-benchmark, then flows); {@link Describe} reports it. */
    public record UpdateMeasuredRate(double bytesPerSecond) implements Command {}

    /** A flow saw this instance fail; it stops taking leases until reset. */
    public record ReportFault(long flowId, String cause) implements Command {}

    /**
     * The instance's control crashes ({@link InstanceCrashed}; an injected {@code actor-crash} fault): the
     * actor stops, whoever watches it sees it die, and its owner starts a new one in its place.
     */
    public record Crash(String cause) implements Command {}

    /** The failure that stops a device actor rather than restarting it in place: its instance is gone. */
    public static final class InstanceCrashed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public InstanceCrashed(String message) {
            super(message);
        }
    }

    public record Description(String instance, DeviceCapabilities capabilities, int leases, int maxLeases,
        Health health) {}

    public record HealthReport(String instance, Health health, String detail) {}

    private DeviceActor() {
    }

    public static ServiceKey<Command> serviceKey(String kind) {
        return ServiceKey.create(Command.class, "device-" + kind);
    }

    public static Behavior<Command> create(DeviceKind kind, int index, int maxLeases, int portCapacityChunks) {
        return create(kind, index, maxLeases, portCapacityChunks, 0);
    }

    /**
     * As {@link #create(DeviceKind, int, int, int)}, describing {@code measuredBytesPerSecond} (0: not
     * measured) until told otherwise.
     */
    public static Behavior<Command> create(DeviceKind kind, int index, int maxLeases, int portCapacityChunks,
        double measuredBytesPerSecond) {
        // A crashed instance stops (its watchers must see it die, which a restart in place would hide; its owner
        // logs it, in one line); any
        // other failure restarts it in place, keeping its name and watchers.
        return Behaviors.<Command>supervise(Behaviors.<Command>supervise(Behaviors.setup(context -> {
            context.getSystem().receptionist().tell(Receptionist.register(serviceKey(kind.name()), context.getSelf()));
            return new State(kind, kind.name() + "#" + index,
                kind.capabilities().getStateful() ? 1 : maxLeases, portCapacityChunks, measuredBytesPerSecond)
                .behavior();
        })).onFailure(InstanceCrashed.class, SupervisorStrategy.stop().withLoggingEnabled(false)))
            .onFailure(RuntimeException.class, SupervisorStrategy.restart());
    }

    private static final class State {
        private final DeviceKind kind;
        private final String instance;
        private final int maxLeases;
        private final int portCapacityChunks;
        private final Set<Long> leasedFlows = new HashSet<>();
        private Health health = Health.HEALTHY;
        private String detail = "ok";
        private double measuredBytesPerSecond;

        State(DeviceKind kind, String instance, int maxLeases, int portCapacityChunks, double measuredBytesPerSecond) {
            this.measuredBytesPerSecond = measuredBytesPerSecond;
            this.kind = kind;
            this.instance = instance;
            this.maxLeases = maxLeases;
            this.portCapacityChunks = portCapacityChunks;
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                .onMessage(Describe.class, this::onDescribe)
                .onMessage(CheckHealth.class, m -> {
                    m.replyTo().tell(new HealthReport(instance, health, detail));
                    return Behaviors.same();
                })
                .onMessage(Reset.class, m -> {
                    health = Health.HEALTHY;
                    detail = "reset";
                    m.replyTo().tell(Done.getInstance());
                    return Behaviors.same();
                })
                .onMessage(Leased.class, m -> {
                    leasedFlows.add(m.flowId());
                    return Behaviors.same();
                })
                .onMessage(Release.class, m -> {
                    leasedFlows.remove(m.flowId());
                    return Behaviors.same();
                })
                .onMessage(UpdateMeasuredRate.class, m -> {
                    measuredBytesPerSecond = m.bytesPerSecond();
                    return Behaviors.same();
                })
                .onMessage(Crash.class, m -> {
                    throw new InstanceCrashed(instance + " crashed: " + m.cause());
                })
                .onMessage(ReportFault.class, m -> {
                    health = Health.DEGRADED;
                    detail = "flow " + m.flowId() + ": " + m.cause();
                    return Behaviors.same();
                })
                .build();
        }

        private Behavior<Command> onDescribe(Describe m) {
            final DeviceCapabilities.Builder capabilities = kind.capabilities().toBuilder()
                .setPortCapacityChunks(portCapacityChunks);
            if (measuredBytesPerSecond > 0) {
                capabilities.setMeasuredBytesPerSecond(measuredBytesPerSecond);
            }
            m.replyTo().tell(new Description(instance, capabilities.build(), leasedFlows.size(), maxLeases,
                health));
            return Behaviors.same();
        }
    }
}
