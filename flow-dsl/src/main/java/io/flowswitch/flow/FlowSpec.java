package io.flowswitch.flow;

import io.flowswitch.devices.FlowContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;

/**
 * A flow in the intermediate form that the Java API (and later FML) produce and the compiler consumes:
 * a chain of stages from one source to one sink, the chunk size, the transport between stages, the
 * capacity of each data port, the keys the flow may use, by name, and what it asks of the scheduler (its
 * {@link FlowPolicy}: rate and weight). Immutable.
 */
public record FlowSpec(
    String name,
    List<StageSpec> stages,
    int chunkBytes,
    Transport transport,
    int portCapacityChunks,
    Map<String, SecretKey> keys,
    FlowPolicy policy) {

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
    }

    /** A flow with the {@link FlowPolicy#DEFAULT default policy}: no rate reserved, weight 1. */
    public FlowSpec(String name, List<StageSpec> stages, int chunkBytes, Transport transport, int portCapacityChunks,
        Map<String, SecretKey> keys) {
        this(name, stages, chunkBytes, transport, portCapacityChunks, keys, FlowPolicy.DEFAULT);
    }

    /** This flow asking the scheduler for {@code value}. */
    public FlowSpec withPolicy(FlowPolicy value) {
        return new FlowSpec(name, stages, chunkBytes, transport, portCapacityChunks, keys, value);
    }

    /** This flow with {@code value} as its stages. */
    public FlowSpec withStages(List<StageSpec> value) {
        return new FlowSpec(name, value, chunkBytes, transport, portCapacityChunks, keys, policy);
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
        return stages.stream().map(stage -> stage.kind() + (stage.replicas() > 1 ? " x" + stage.replicas() : ""))
            .collect(Collectors.joining(" -> "));
    }

    @Override
    public String toString() {
        return "FlowSpec{" + name + ": " + stages + ", chunk=" + chunkBytes + "B, " + transport
            + ", port=" + portCapacityChunks + " chunks, keys=" + keys.keySet()
            + (policy.equals(FlowPolicy.DEFAULT) ? "" : ", rate=" + policy.rateBytesPerSecond() + "B/s, weight="
                + policy.weight()) + "}";
    }
}
