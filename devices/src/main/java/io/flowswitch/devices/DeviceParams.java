package io.flowswitch.devices;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The parameters of one stage, as text (they come from FML, the CLI or the Java API), with typed getters
 * whose errors name the stage and the parameter. Immutable.
 */
public final class DeviceParams {
    private final String stage;
    private final Map<String, String> values;
    private final int replicas;

    public DeviceParams(String stage, Map<String, String> values) {
        this(stage, values, 1);
    }

    /**
     * @param replicas how many instances of this stage share the flow's chunks (each sees only some)
     */
    public DeviceParams(String stage, Map<String, String> values, int replicas) {
        this.stage = Objects.requireNonNull(stage, "stage");
        this.values = Map.copyOf(values);
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be >= 1: " + replicas);
        }
        this.replicas = replicas;
    }

    public static DeviceParams of(String stage, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keyValues must come in pairs");
        }
        final Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return new DeviceParams(stage, map);
    }

    /** The stage these parameters belong to, e.g. {@code "stage 2 (aes-gcm-encrypt)"}; used in messages. */
    public String stage() {
        return stage;
    }

    /** How many instances of this stage share the flow's chunks; 1 when the stage is not replicated. */
    public int replicas() {
        return replicas;
    }

    public Map<String, String> asMap() {
        return values;
    }

    /**
     * Rejects any parameter not in {@code known}, so that a typo ({@code levle}) fails instead of quietly
     * leaving an option at its default. Checked in name order, so a program always gets the same error.
     *
     * @throws DeviceException {@code BAD_PARAMETER} naming the parameter and the known ones
     */
    public DeviceParams requireOnly(java.util.Set<String> known) {
        for (String name : new TreeMap<>(values).keySet()) {
            if (!known.contains(name)) {
                throw bad(name, known.isEmpty() ? "is not a parameter of this device, which takes none"
                    : "is not a parameter of this device; known: " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
        return this;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name) {
        final String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw bad(name, "is required");
        }
        return value;
    }

    /**
     * The value of a parameter the device cannot work without, e.g. the name of an application's pipe.
     *
     * @param what what the value is, for the error: {@code "is required: " + what}
     * @throws DeviceException {@code BAD_PARAMETER} when it is missing or blank
     */
    public String required(String name, String what) {
        final String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw bad(name, "is required: " + what);
        }
        return value;
    }

    public String string(String name, String defaultValue) {
        final String value = values.get(name);
        return value == null ? defaultValue : value;
    }

    public Path path(String name) {
        try {
            return Path.of(string(name));
        } catch (java.nio.file.InvalidPathException e) {
            throw bad(name, "is not a valid path: " + e.getMessage());
        }
    }

    public long longValue(String name, long defaultValue, long min, long max) {
        final String text = values.get(name);
        if (text == null) {
            return defaultValue;
        }
        final long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw bad(name, "must be a whole number, got '" + text + "'");
        }
        if (value < min || value > max) {
            throw bad(name, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public int intValue(String name, int defaultValue, int min, int max) {
        return (int) longValue(name, defaultValue, min, max);
    }

    /** A {@code BAD_PARAMETER} error that names the stage and the parameter. */
    public DeviceException bad(String name, String problem) {
        return new DeviceException("BAD_PARAMETER", stage + ": parameter '" + name + "' " + problem);
    }

    @Override
    public String toString() {
        return stage + values;
    }
}
