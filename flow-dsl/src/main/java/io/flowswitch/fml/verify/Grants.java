package io.flowswitch.fml.verify;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import io.flowswitch.fml.diag.Code;
import io.flowswitch.fml.diag.Reporter;
import io.flowswitch.fml.diag.Span;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one principal may reserve, read from {@code flowswitch.grants.<principal>}:
 * <pre>
 * flowswitch.grants.web {
 *   devices = [file-source, aes-gcm-encrypt, file-sink]   # or ["*"] for every kind
 *   max-instances = 8                                     # device instances one flow may hold
 *   max-rate-bytes-per-second = 1GiB                      # the highest policy rate it may ask for
 * }
 * </pre>
 * Immutable.
 */
public record Grants(String principal, Set<String> devices, int maxInstances, long maxRateBytesPerSecond) {
    /** In {@code devices}: every device kind. */
    public static final String ALL = "*";
    public static final String ROOT = "flowswitch.grants";

    public boolean grants(String kind) {
        return devices.contains(ALL) || devices.contains(kind);
    }

    /** The config path of this principal's grants, e.g. {@code flowswitch.grants.web}. */
    public static String path(String principal) {
        return ROOT + "." + ConfigUtil.joinPath(principal);
    }

    /**
     * Reads the grants of {@code principal}; reports {@link Code#FML080} when there are none and
     * {@link Code#FML084} when they are malformed, at {@code at}.
     */
    public static Optional<Grants> read(Config config, String principal, Span at, Reporter reporter) {
        final String path = path(principal);
        try {
            if (!config.hasPath(path)) {
                final List<String> known = config.hasPath(ROOT)
                    ? new TreeSet<>(config.getConfig(ROOT).root().keySet()).stream().toList() : List.of();
                reporter.error(Code.FML080, at, "principal '" + principal + "' has no grants",
                    "add " + path + " { devices = [...], max-instances = N, max-rate-bytes-per-second = N }"
                        + (known.isEmpty() ? "" : "; principals with grants: " + String.join(", ", known)));
                return Optional.empty();
            }
            final Config grant = config.getConfig(path);
            final List<String> devices = grant.getStringList("devices");
            final int maxInstances = grant.getInt("max-instances");
            final long maxRate = grant.getBytes("max-rate-bytes-per-second");
            if (maxInstances < 1 || maxRate < 1) {
                reporter.error(Code.FML084, at, "grants of principal '" + principal + "' are invalid: " + path
                    + ".max-instances and .max-rate-bytes-per-second must be positive", "fix the configuration");
                return Optional.empty();
            }
            return Optional.of(new Grants(principal, Set.copyOf(devices), maxInstances, maxRate));
        } catch (ConfigException e) {
            reporter.error(Code.FML084, at, "grants of principal '" + principal + "' are invalid: " + problem(e, path),
                "expected " + path + " { devices = [KIND, ...], max-instances = N, max-rate-bytes-per-second = SIZE }");
            return Optional.empty();
        }
    }

    /** The problem without the config file's location, which would leak local paths into messages. */
    private static String problem(ConfigException e, String path) {
        final String message = e.getMessage() == null ? "" : e.getMessage();
        for (String key : List.of("devices", "max-instances", "max-rate-bytes-per-second")) {
            if (message.contains(key)) {
                if (e instanceof ConfigException.Missing) {
                    return path + "." + key + " is missing";
                }
                return path + "." + key + switch (key) {
                    case "devices" -> " must be a list of device kinds";
                    case "max-instances" -> " must be a whole number";
                    default -> " must be a size in bytes, such as 1GiB";
                };
            }
        }
        return path + " must be an object";
    }
}
