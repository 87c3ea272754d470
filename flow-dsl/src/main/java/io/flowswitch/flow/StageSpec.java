package io.flowswitch.flow;

import io.flowswitch.flow.ladder.Ladder;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One stage of a flow in the intermediate form: a device kind, its parameters, how many replicas, and its
 * exception ladder.
 *
 * @param kind     device kind name, e.g. {@code "aes-gcm-encrypt"}
 * @param params   parameters as text; keys are referenced by name, never carried. The parameter {@code
 *                 fault} is not the device's: it injects a fault ({@link io.flowswitch.devices.fault.Fault})
 * @param replicas 1 for a single instance; more to spread a slow stateless stage over instances;
 *     {@link #AUTO} for as many as the flow's peak needs, which the node's scheduler decides when it admits
 *     the flow (a compiler given a stage still {@code AUTO} runs one instance)
 * @param ladder   what the flow does when the stage's device fails; {@link Ladder#NONE} ends the flow
 */
public record StageSpec(String kind, Map<String, String> params, int replicas, Ladder ladder) {
    /** {@code replicas auto}: the scheduler replicates the stage up to the instances free. */
    public static final int AUTO = 0;

    public StageSpec {
        Objects.requireNonNull(kind, "kind");
        params = Map.copyOf(params);
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be >= 1, or AUTO (0), got " + replicas);
        }
        Objects.requireNonNull(ladder, "ladder");
    }

    /** A stage without a ladder: a failed device ends the flow. */
    public StageSpec(String kind, Map<String, String> params, int replicas) {
        this(kind, params, replicas, Ladder.NONE);
    }

    /** This stage with {@code value} as its exception ladder. */
    public StageSpec withLadder(Ladder value) {
        return new StageSpec(kind, params, replicas, value);
    }

    /** This stage with {@code value} injected ({@code null} removes an injected fault). */
    public StageSpec withFault(io.flowswitch.devices.fault.Fault value) {
        final Map<String, String> changed = new TreeMap<>(params);
        if (value == null) {
            changed.remove(io.flowswitch.devices.fault.Fault.PARAMETER);
        } else {
            changed.put(io.flowswitch.devices.fault.Fault.PARAMETER, value.text());
        }
        return new StageSpec(kind, changed, replicas, ladder);
    }

    /** The text of the injected fault, if the stage has one. */
    public java.util.Optional<String> faultText() {
        return java.util.Optional.ofNullable(params.get(io.flowswitch.devices.fault.Fault.PARAMETER));
    }

    /** The device's own parameters: all but {@code fault}. */
    public Map<String, String> deviceParams() {
        if (!params.containsKey(io.flowswitch.devices.fault.Fault.PARAMETER)) {
            return params;
        }
        final Map<String, String> own = new TreeMap<>(params);
        own.remove(io.flowswitch.devices.fault.Fault.PARAMETER);
        return own;
    }

    public boolean isAuto() {
        return replicas == AUTO;
    }

    /** This stage as {@code replicas auto}. */
    public StageSpec withAutoReplicas() {
        return new StageSpec(kind, params, AUTO, ladder);
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
        return new StageSpec(kind, params, count, ladder);
    }

    @Override
    public String toString() {
        return kind + (params.isEmpty() ? "" : new TreeMap<>(params).toString())
            + (replicas > 1 ? " x" + replicas : replicas == AUTO ? " x auto" : "")
            + (ladder.terminatesOnly() ? "" : " on failure " + ladder.text());
    }
}
