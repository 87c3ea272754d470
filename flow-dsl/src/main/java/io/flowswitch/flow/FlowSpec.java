package io.flowswitch.flow;

import io.flowswitch.devices.FlowContext;
import io.flowswitch.flow.ladder.EventRules;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;

/**
 * A flow in the intermediate form that the Java API (and later FML) produce and the compiler consumes:
 * a chain of stages from one source to one sink, the chunk size, the transport between stages, the
 * capacity of each data port, the keys the flow may use, by name, what it asks of the scheduler (its
 * {@link FlowPolicy}: rate and weight), and the principal it runs as (whose grant admission checks: FML's
 * {@code principal}, {@link #DEFAULT_PRINCIPAL} when none is named), and what it does about external
 * events ({@link EventRules}: a full sink, a peer that reset the connection). Immutable.
 */
public record FlowSpec(
    String name,
    List<StageSpec> stages,
    int chunkBytes,
    Transport transport,
    int portCapacityChunks,
    Map<String, SecretKey> keys,
    FlowPolicy policy,
    String principal,
    EventRules events) {

    /** The principal of a flow that names none: FML's default, whose grant may use every device. */
    public static final String DEFAULT_PRINCIPAL = "default";

    /** Default capacity of a fused port: a queue hand-off needs little slack. */
    public static final int DEFAULT_PORT_CAPACITY_CHUNKS = 8;
    /**
     * Default capacity of an Aeron port: a writer out of credit waits for the reader's wake-up, and at 8
     * chunks an Aeron edge spent half its time waiting (32 chunks: 1.3-1.4 GB/s against 0.85-0.93).
     */
    public static final int DEFAULT_AERON_PORT_CAPACITY_CHUNKS = 32;
    public static final int MAX_PORT_CAPACITY_CHUNKS = 1024;

    public FlowSpec {
        Objects.requireNonNull(name, "name");
        stages = List.copyOf(stages);
        Objects.requireNonNull(transport, "transport");
        keys = Map.copyOf(keys);
        Objects.requireNonNull(policy, "policy");
        if (principal == null || principal.isEmpty()) {
            throw new IllegalArgumentException("a flow's principal must be a non-empty name, got "
                + (principal == null ? "null" : "''"));
        }
        Objects.requireNonNull(events, "events");
    }

    /** A flow without rules for external events: each ends it. */
    public FlowSpec(String name, List<StageSpec> stages, int chunkBytes, Transport transport, int portCapacityChunks,
        Map<String, SecretKey> keys, FlowPolicy policy, String principal) {
        this(name, stages, chunkBytes, transport, portCapacityChunks, keys, policy, principal, EventRules.NONE);
    }

    /** A flow run as {@link #DEFAULT_PRINCIPAL}. */
    public FlowSpec(String name, List<StageSpec> stages, int chunkBytes, Transport transport, int portCapacityChunks,
        Map<String, SecretKey> keys, FlowPolicy policy) {
        this(name, stages, chunkBytes, transport, portCapacityChunks, keys, policy, DEFAULT_PRINCIPAL);
    }

    /** A flow with the {@link FlowPolicy#DEFAULT default policy}: no rate reserved, weight 1. */
    public FlowSpec(String name, List<StageSpec> stages, int chunkBytes, Transport transport, int portCapacityChunks,
        Map<String, SecretKey> keys) {
        this(name, stages, chunkBytes, transport, portCapacityChunks, keys, FlowPolicy.DEFAULT);
    }

    /** This flow asking the scheduler for {@code value}. */
    public FlowSpec withPolicy(FlowPolicy value) {
        return new FlowSpec(name, stages, chunkBytes, transport, portCapacityChunks, keys, value, principal, events);
    }

    /** This flow run as {@code value}. */
    public FlowSpec withPrincipal(String value) {
        return new FlowSpec(name, stages, chunkBytes, transport, portCapacityChunks, keys, policy, value, events);
    }

    /** This flow with {@code value} as its stages (e.g. replica counts the planner chose). */
    public FlowSpec withStages(List<StageSpec> value) {
        return new FlowSpec(name, value, chunkBytes, transport, portCapacityChunks, keys, policy, principal, events);
    }

    /** This flow with {@code value} as what it does about external events. */
    public FlowSpec withEvents(EventRules value) {
        return new FlowSpec(name, stages, chunkBytes, transport, portCapacityChunks, keys, policy, principal, value);
    }

    public static FlowSpec of(String name, List<StageSpec> stages) {
        return new FlowSpec(name, stages, FlowContext.DEFAULT_CHUNK_BYTES, Transport.FUSED,
            DEFAULT_PORT_CAPACITY_CHUNKS, Map.of());
    }

    /** The port capacity a flow gets when it does not choose one. */
    public static int defaultPortCapacityChunks(Transport transport) {
        return transport == Transport.AERON_IPC ? DEFAULT_AERON_PORT_CAPACITY_CHUNKS : DEFAULT_PORT_CAPACITY_CHUNKS;
    }

    /** The stages as one line: {@code file-source -> aes-gcm-encrypt x2 -> file-sink}. */
    public String chain() {
        return stages.stream().map(stage -> stage.kind() + (stage.replicas() > 1 ? " x" + stage.replicas()
                : stage.isAuto() ? " x auto" : ""))
            .collect(Collectors.joining(" -> "));
    }

    @Override
    public String toString() {
        return "FlowSpec{" + name + ": " + stages + ", chunk=" + chunkBytes + "B, " + transport
            + ", port=" + portCapacityChunks + " chunks, keys=" + keys.keySet()
            + (policy.equals(FlowPolicy.DEFAULT) ? "" : ", rate=" + policy.rateBytesPerSecond() + "B/s, weight="
                + policy.weight()) + (principal.equals(DEFAULT_PRINCIPAL) ? "" : ", principal=" + principal)
            + (events.isEmpty() ? "" : ", " + events) + "}";
    }
}
