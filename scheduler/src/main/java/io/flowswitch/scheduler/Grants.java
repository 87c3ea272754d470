package io.flowswitch.scheduler;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The grants of every principal, read from {@code flowswitch.grants}:
 * <pre>
 * flowswitch.grants.web {
 *   devices = [file-source, aes-card, file-sink]   # or ["*"]
 *   max-instances = 8                              # device instances one flow may hold
 *   max-rate-bytes-per-second = 1GiB               # the highest rate one flow may ask for
 * }
 * </pre>
 * Immutable and thread-safe.
 */
public final class Grants {
    public static final String ROOT = "flowswitch.grants";
    private static final Grants UNRESTRICTED = new Grants(Map.of(), true);

    private final Map<String, Grant> byPrincipal;
    private final boolean unrestricted;

    private Grants(Map<String, Grant> byPrincipal, boolean unrestricted) {
        this.byPrincipal = Collections.unmodifiableMap(new TreeMap<>(byPrincipal));
        this.unrestricted = unrestricted;
    }

    /** Exactly these grants; a principal without one is refused. */
    public static Grants of(Collection<Grant> grants) {
        final Map<String, Grant> byPrincipal = new TreeMap<>();
        for (Grant grant : grants) {
            if (byPrincipal.put(grant.principal(), grant) != null) {
                throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                    "two grants for principal '" + grant.principal() + "'");
            }
        }
        return new Grants(byPrincipal, false);
    }

    public static Grants of(Grant... grants) {
        return of(List.of(grants));
    }

    /** Every principal may lease everything: for tests and single-user tools. */
    public static Grants unrestricted() {
        return UNRESTRICTED;
    }

    /**
     * The grants under {@code flowswitch.grants}; none when the path is absent.
     *
     * @throws SchedulerException {@code BAD_CONFIG}, naming every key at fault
     */
    public static Grants fromConfig(Config config) {
        if (!config.hasPath(ROOT)) {
            return of();
        }
        final ConfigObject root;
        try {
            root = config.getObject(ROOT);
        } catch (ConfigException.WrongType e) {
            throw new SchedulerException(SchedulerException.Code.BAD_CONFIG, ROOT + " must be an object of principals");
        }
        final List<Grant> grants = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        for (String principal : new TreeMap<>(root).keySet()) {
            final String path = ROOT + "." + ConfigUtil.joinPath(principal);
            if (root.get(principal).valueType() != ConfigValueType.OBJECT) {
                errors.add(path + " must be an object { devices = [...], max-instances = N, "
                    + "max-rate-bytes-per-second = SIZE }");
                continue;
            }
            final Config entry = ((ConfigObject) root.get(principal)).toConfig();
            final int before = errors.size();
            List<String> devices = List.of();
            long maxInstances = 0;
            long maxRate = 0;
            try {
                devices = entry.getStringList("devices");
            } catch (ConfigException.Missing e) {
                errors.add(path + ".devices is missing");
            } catch (ConfigException e) {
                errors.add(path + ".devices must be a list of device kinds");
            }
            try {
                maxInstances = entry.getLong("max-instances");
                if (maxInstances < 1 || maxInstances > Integer.MAX_VALUE) {
                    errors.add(path + ".max-instances must be a whole number >= 1, got " + maxInstances);
                }
            } catch (ConfigException.Missing e) {
                errors.add(path + ".max-instances is missing");
            } catch (ConfigException e) {
                errors.add(path + ".max-instances must be a whole number >= 1");
            }
            try {
                maxRate = entry.getBytes("max-rate-bytes-per-second");
                if (maxRate < 1) {
                    errors.add(path + ".max-rate-bytes-per-second must be a size >= 1, got " + maxRate);
                }
            } catch (ConfigException.Missing e) {
                errors.add(path + ".max-rate-bytes-per-second is missing");
            } catch (ConfigException e) {
                errors.add(path + ".max-rate-bytes-per-second must be a size in bytes, such as 1GiB");
            }
            if (errors.size() == before) {
                grants.add(new Grant(principal, Set.copyOf(devices), (int) maxInstances, maxRate));
            }
        }
        if (!errors.isEmpty()) {
            throw new SchedulerException(SchedulerException.Code.BAD_CONFIG, "invalid grants: " + String.join("; ", errors));
        }
        return of(grants);
    }

    /** The grant of {@code principal}, if it has one. */
    public Optional<Grant> find(String principal) {
        return unrestricted ? Optional.of(Grant.unrestricted(principal)) : Optional.ofNullable(byPrincipal.get(principal));
    }

    /** Principals with a grant, by name; empty when unrestricted. */
    public Set<String> principals() {
        return byPrincipal.keySet();
    }
}
