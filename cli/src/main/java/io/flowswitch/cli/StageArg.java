package io.flowswitch.cli;

import io.flowswitch.flow.StageSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * One stage as written on the command line: {@code KIND[:name=value,name=value,...]}, e.g.
 * {@code file-source:path=in.bin} or {@code aes-gcm-encrypt:key=k1,replicas=2}. The parameter
 * {@code replicas} is the stage's replica count, not a device parameter. Values cannot contain a comma.
 * Immutable.
 *
 * @param kind     the device kind, e.g. {@code aes-gcm-encrypt}
 * @param params   the device parameters, in the order given
 * @param replicas 1 unless {@code replicas=N} was given
 */
record StageArg(String kind, Map<String, String> params, int replicas) {
    static final String FORM = "KIND[:name=value,...]";
    static final String REPLICAS = "replicas";
    static final int MAX_REPLICAS = 1024;
    private static final Pattern KIND = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    StageArg {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * @throws IllegalArgumentException one sentence that quotes the text and says what is wrong
     */
    static StageArg parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a stage is required: " + FORM + ", e.g. file-source:path=in.bin");
        }
        final String trimmed = text.trim();
        final int colon = trimmed.indexOf(':');
        final String kind = colon < 0 ? trimmed : trimmed.substring(0, colon);
        if (kind.indexOf('=') >= 0) {
            throw bad(text, "put a ':' between the device kind and its parameters, e.g. file-source:path=in.bin");
        }
        if (!KIND.matcher(kind).matches()) {
            throw bad(text, kind.isEmpty() ? "the device kind is missing"
                : "'" + kind + "' is not a device kind name (letters, digits, '-', '.', '_')");
        }
        final Map<String, String> params = new LinkedHashMap<>();
        int replicas = 1;
        final String rest = colon < 0 ? "" : trimmed.substring(colon + 1);
        if (!rest.isEmpty()) {
            for (String item : rest.split(",", -1)) {
                final int equals = item.indexOf('=');
                if (item.isBlank()) {
                    throw bad(text, "empty parameter (two commas, or a trailing comma)");
                }
                if (equals < 0) {
                    throw bad(text, "parameter '" + item.trim() + "' has no value: write name=value");
                }
                final String name = item.substring(0, equals).trim();
                final String value = item.substring(equals + 1).trim();
                if (!NAME.matcher(name).matches()) {
                    throw bad(text, name.isEmpty() ? "a parameter has no name before '='"
                        : "'" + name + "' is not a parameter name (letters, digits, '-', '.', '_')");
                }
                if (value.isEmpty()) {
                    throw bad(text, "parameter '" + name + "' has an empty value");
                }
                if (params.containsKey(name) || (name.equals(REPLICAS) && replicas != 1)) {
                    throw bad(text, "parameter '" + name + "' is given twice");
                }
                if (name.equals(REPLICAS)) {
                    replicas = replicas(text, value);
                } else {
                    params.put(name, value);
                }
            }
        }
        return new StageArg(kind, params, replicas);
    }

    private static int replicas(String text, String value) {
        final int count;
        try {
            count = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw bad(text, "replicas must be a whole number, got '" + value + "'");
        }
        if (count < 1 || count > MAX_REPLICAS) {
            throw bad(text, "replicas must be between 1 and " + MAX_REPLICAS + ", got " + count);
        }
        return count;
    }

    private static IllegalArgumentException bad(String text, String problem) {
        return new IllegalArgumentException("'" + text + "': " + problem);
    }

    /** The same stage in the flow's intermediate form. */
    StageSpec toSpec() {
        return new StageSpec(kind, params, replicas);
    }

    @Override
    public String toString() {
        final StringBuilder text = new StringBuilder(kind);
        char separator = ':';
        for (Map.Entry<String, String> param : params.entrySet()) {
            text.append(separator).append(param.getKey()).append('=').append(param.getValue());
            separator = ',';
        }
        if (replicas > 1) {
            text.append(separator).append(REPLICAS).append('=').append(replicas);
        }
        return text.toString();
    }

    /** Picocli's hook: a malformed stage becomes a usage error that names the option. */
    static final class Converter implements CommandLine.ITypeConverter<StageArg> {
        @Override
        public StageArg convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
