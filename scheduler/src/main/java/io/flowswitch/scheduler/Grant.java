package io.flowswitch.scheduler;

import com.typesafe.config.ConfigUtil;
import java.util.Set;

/**
 * What one principal may lease, as configured under {@code flowswitch.grants.<principal>} (the same
 * entries the FML verifier reads): which device kinds ({@code "*"} for all), how many instances one flow
 * may hold, and the highest rate one flow may ask for. Immutable.
 */
public record Grant(String principal, Set<String> devices, int maxInstances, long maxRateBytesPerSecond) {
    /** In {@code devices}: every device kind. */
    public static final String ALL = "*";

    public Grant {
        devices = Set.copyOf(devices);
        if (maxInstances < 1 || maxRateBytesPerSecond < 1) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "grant of '" + principal
                + "' needs max-instances >= 1 and max-rate-bytes-per-second >= 1, got " + maxInstances + " and "
                + maxRateBytesPerSecond);
        }
    }

    /** Every kind, any number of instances, any rate. */
    public static Grant unrestricted(String principal) {
        return new Grant(principal, Set.of(ALL), Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    public boolean grants(String kind) {
        return devices.contains(ALL) || devices.contains(kind);
    }

    /** Where the grant is configured, e.g. {@code flowswitch.grants.web}: refusals name it. */
    public String path() {
        return Grants.ROOT + "." + ConfigUtil.joinPath(principal);
    }
}
