package io.flowswitch.scheduler;

import java.util.ArrayList;
import java.util.TreeSet;
import java.util.List;
import java.util.Set;

/**
 * Weighted max-min fair allocation of one device kind's capacity among the flows that use it, by
 * water-filling: every unsatisfied flow gets {@code remaining × weight / Σ weights}; a flow whose demand
 * is below its share gets its demand and leaves, and what it leaves is shared again among the rest, until
 * no flow leaves; those left share what remains in proportion to their weights. So a saturated device
 * shared by weights 3:1 gives 3:1, a flow never gets more than it asks for, and no capacity stays unused
 * while some flow wants more. Stateless and thread-safe.
 */
public final class FairShare {
    /**
     * One flow's claim on a device kind.
     *
     * @param flowId the flow
     * @param weight its priority, &gt;= 1
     * @param demandBytesPerSecond what it would use if it could, &gt;= 0
     */
    public record Claim(long flowId, int weight, long demandBytesPerSecond) {
        public Claim {
            if (weight < 1 || demandBytesPerSecond < 0) {
                throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "flow " + flowId
                    + ": a claim needs weight >= 1 and demand >= 0, got " + weight + " and " + demandBytesPerSecond);
            }
        }
    }

    /** What one flow gets: at most its demand. */
    public record Share(long flowId, long bytesPerSecond) {
    }

    private FairShare() {
    }

    /**
     * Shares {@code capacityBytesPerSecond} among {@code claims}; the shares come back in the claims'
     * order, rounded down to whole bytes per second (their sum never exceeds the capacity).
     */
    public static List<Share> allocate(long capacityBytesPerSecond, List<Claim> claims) {
        if (capacityBytesPerSecond < 0) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                "capacity must be >= 0 B/s, got " + capacityBytesPerSecond);
        }
        final double[] shares = new double[claims.size()];
        final Set<Integer> open = new TreeSet<>();
        for (int i = 0; i < claims.size(); i++) {
            if (claims.get(i).demandBytesPerSecond() > 0) {
                open.add(i);
            }
        }
        double remaining = capacityBytesPerSecond;
        while (!open.isEmpty() && remaining > 0) {
            double weights = 0;
            for (int i : open) {
                weights += claims.get(i).weight();
            }
            final List<Integer> satisfied = new ArrayList<>();
            for (int i : open) {
                if (claims.get(i).demandBytesPerSecond() <= remaining * claims.get(i).weight() / weights) {
                    satisfied.add(i);
                }
            }
            if (satisfied.isEmpty()) {
                // Nobody's demand fits in its share: the rest is cut by weight.
                for (int i : open) {
                    shares[i] = remaining * claims.get(i).weight() / weights;
                }
                break;
            }
            for (int i : satisfied) {
                shares[i] = claims.get(i).demandBytesPerSecond();
                remaining -= shares[i];
                open.remove(i);
            }
        }
        final List<Share> result = new ArrayList<>(claims.size());
        for (int i = 0; i < claims.size(); i++) {
            result.add(new Share(claims.get(i).flowId(), (long) Math.floor(shares[i])));
        }
        return result;
    }
}
