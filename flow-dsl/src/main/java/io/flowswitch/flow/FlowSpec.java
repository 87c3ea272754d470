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
 * capacity of each data port, and the keys the flow may use, by name. Immutable.
 */
public record FlowSpec(
    String name,
    List<StageSpec> stages,
    int chunkBytes,
    Transport transport,
    int portCapacityChunks,
    Map<String, SecretKey> keys) {

    public static final int DEFAULT_PORT_CAPACITY_CHUNKS = 8;
    public static final int MAX_PORT_CAPACITY_CHUNKS = 1024;

    public FlowSpec {
        Objects.requireNonNull(name, "name");
        stages = List.copyOf(stages);
        Objects.requireNonNull(transport, "transport");
        keys = Map.copyOf(keys);
    }

    public static FlowSpec of(String name, List<StageSpec> stages) {
        return new FlowSpec(name, stages, FlowContext.DEFAULT_CHUNK_BYTES, Transport.FUSED,
            DEFAULT_PORT_CAPACITY_CHUNKS, Map.of());
    }

    /** The stages as one line: {@code file-source -> aes-gcm-encrypt x2 -> file-sink}. */
    public String chain() {
        return stages.stream().map(stage -> stage.kind() + (stage.replicas() > 1 ? " x" + stage.replicas() : ""))
            .collect(Collectors.joining(" -> "));
    }

    @Override
    public String toString() {
        return "FlowSpec{" + name + ": " + stages + ", chunk=" + chunkBytes + "B, " + transport
            + ", port=" + portCapacityChunks + " chunks, keys=" + keys.keySet() + "}";
    }
}
