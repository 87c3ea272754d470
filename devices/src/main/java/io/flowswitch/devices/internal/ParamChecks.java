package io.flowswitch.devices.internal;

import io.flowswitch.devices.DeviceParams;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parameter checks that {@link DeviceParams} does not offer, shared by device kinds. Stateless.
 */
public final class ParamChecks {
    private ParamChecks() {
    }


    /**
     * A {@code true}/{@code false} parameter (case-insensitive).
     *
     * @throws io.flowswitch.devices.DeviceException {@code BAD_PARAMETER} for anything else
     */
    public static boolean bool(DeviceParams params, String name, boolean defaultValue) {
        final String text = params.string(name, null);
        if (text == null) {
            return defaultValue;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw params.bad(name, "must be true or false, got '" + text + "'");
        };
    }

    /**
     * A whole-number parameter that must be given.
     *
     * @throws io.flowswitch.devices.DeviceException {@code BAD_PARAMETER} when missing or out of range
     */
    public static long requiredLong(DeviceParams params, String name, long min, long max) {
        // string() throws the "is required" error for a missing or blank value.
        params.string(name);
        return params.longValue(name, min, min, max);
    }
}
