package io.flowswitch.javadsl;

import io.flowswitch.devices.FlowContext;
import io.flowswitch.flow.FlowPolicy;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.flow.ladder.EventRules;
import io.flowswitch.flow.ladder.ExternalEvent;
import io.flowswitch.flow.ladder.Ladder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Java builder of flows: {@code Flows.from(source).via(transform)...to(sink)}, then settings, then
 * {@link Builder#build()}. Produces the same {@link FlowSpec} as a flow program and goes through the
 * same checks. Not thread-safe; the built spec is immutable.
 */
public final class Flows {
    private Flows() {
    }

    public static Builder from(StageSpec source) {
        return new Builder(source);
    }

    public static final class Builder {
        private final List<StageSpec> stages = new ArrayList<>();
        private final Map<String, SecretKey> keys = new HashMap<>();
        private String name = "flow";
        private int chunkBytes = FlowContext.DEFAULT_CHUNK_BYTES;
        private Transport transport = Transport.FUSED;
        /** Null until set: then the default of the transport. */
        private Integer portCapacityChunks;
        private FlowPolicy policy = FlowPolicy.DEFAULT;
        private String principal = FlowSpec.DEFAULT_PRINCIPAL;
        private EventRules events = EventRules.NONE;
        private boolean closed;

        private Builder(StageSpec source) {
            stages.add(source);
        }

        public Builder via(StageSpec transform) {
            if (closed) {
                throw new IllegalStateException("the flow already has a sink");
            }
            stages.add(transform);
            return this;
        }

        /** Adds a transform spread over {@code replicas} instances, merged back in order. */
        public Builder via(StageSpec transform, int replicas) {
            return via(transform.withReplicas(replicas));
        }

        public Builder to(StageSpec sink) {
            via(sink);
            closed = true;
            return this;
        }

        public Builder name(String value) {
            this.name = value;
            return this;
        }

        /** Runs the flow as {@code value}: admission checks that principal's grant. */
        public Builder principal(String value) {
            this.principal = value;
            return this;
        }

        public Builder chunkBytes(int value) {
            this.chunkBytes = value;
            return this;
        }

        public Builder transport(Transport value) {
            this.transport = value;
            return this;
        }

        public Builder portCapacityChunks(int value) {
            this.portCapacityChunks = value;
            return this;
        }

        /** What the flow asks of the scheduler: the rate to reserve and its weight; default none and 1. */
        public Builder policy(FlowPolicy value) {
            this.policy = java.util.Objects.requireNonNull(value, "policy");
            return this;
        }

        /** Reserves {@code bytesPerSecond} on every device the flow uses, keeping the weight. */
        public Builder rateBytesPerSecond(long bytesPerSecond) {
            return policy(new FlowPolicy(bytesPerSecond, policy.weight()));
        }

        /** The flow's weight against other flows on the same devices (&gt;= 1), keeping the rate. */
        public Builder weight(int value) {
            return policy(policy.withWeight(value));
        }

        /**
         * What the flow does when {@code event} happens, e.g. {@code on(ExternalEvent.SINK_FULL, new
         * Ladder.Retry(3, 10_000_000L))}: a ladder of retry, ignore transient, notify and terminate.
         */
        public Builder on(ExternalEvent event, Ladder.Step... steps) {
            events = events.on(event, steps);
            return this;
        }

        /** Gives the flow a raw AES key under a name that stages refer to; the bytes are copied. */
        public Builder key(String keyName, byte[] keyBytes) {
            keys.put(keyName, new SecretKeySpec(keyBytes.clone(), "AES"));
            return this;
        }

        public Builder key(String keyName, SecretKey key) {
            keys.put(keyName, key);
            return this;
        }

        public FlowSpec build() {
            if (!closed) {
                throw new IllegalStateException("the flow has no sink: end it with to(...)");
            }
            return new FlowSpec(name, stages, chunkBytes, transport,
                portCapacityChunks != null ? portCapacityChunks : FlowSpec.defaultPortCapacityChunks(transport), keys,
                policy, principal, events);
        }
    }
}
