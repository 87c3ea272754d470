package io.flowswitch.flow;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One stage of a flow in the intermediate form: a device kind, its parameters, how many replicas.
 *
 * @param kind     device kind name, e.g. {@code "aes-gcm-encrypt"}
 * @param params   parameters as text; keys are referenced by name, never carried
 * @param replicas 1 for a single instance; more to spread a slow stateless stage over instances;
 *     {@link #AUTO} for as many as the flow's peak needs, which the node's scheduler decides when it admits
 *     the flow (a compiler given a stage still {@code AUTO} runs one instance)
 */
public record StageSpec(String kind, Map<String, String> params, int replicas) {
    /** {@code replicas auto}: the scheduler replicates the stage up to the instances free. */
    public static final int AUTO = 0;

    public StageSpec {
        Objects.requireNonNull(kind, "kind");
        params = Map.copyOf(params);
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be >= 1, or AUTO (0), got " + replicas);
        }
    }

    public boolean isAuto() {
        return replicas == AUTO;
    }

    /** This stage as {@code replicas auto}. */
    public StageSpec withAutoReplicas() {
        return new StageSpec(kind, params, AUTO);
    }

    public static StageSpec of(String kind, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("parameters must come as name, value pairs");
        }
        final Map<String, String> params = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return new StageSpec(kind, params, 1);
    }

    public StageSpec withReplicas(int count) {
        return new StageSpec(kind, params, count);
    }

    @Override
    public String toString() {
        return kind + (params.isEmpty() ? "" : new TreeMap<>(params).toString())
            + (replicas > 1 ? " x" + replicas : replicas == AUTO ? " x auto" : "");
    }
}
