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

    /**
     * One flow leased on one device instance.
     *
     * @param flowId the flow
     * @param weight its priority, &gt;= 1
     * @param reservedBytesPerSecond the rate its lease reserved on the instance; 0 when it reserved none
     */
    public record Tenant(long flowId, int weight, long reservedBytesPerSecond) {
        public Tenant {
            if (weight < 1 || reservedBytesPerSecond < 0) {
                throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT, "flow " + flowId
                    + ": a tenant needs weight >= 1 and a reserved rate >= 0, got " + weight + " and "
                    + reservedBytesPerSecond);
            }
        }
    }

    private FairShare() {
    }

    /**
     * Splits one instance's capacity among the flows leased on it, within their leases: a flow that reserved
     * a rate gets that rate, no more (its lease is its cap as well as its guarantee); what the reservations
     * leave is shared among the flows that reserved nothing, in proportion to their weights. Admission never
     * reserves more than an instance's capacity; should the reservations exceed it all the same (a capacity
     * that was lowered), they are cut by weight ({@link #allocate} with each reservation as the demand), and
     * the flows without one get nothing. Shares come back in the tenants' order, rounded down.
     */
    public static List<Share> withinLeases(long capacityBytesPerSecond, List<Tenant> tenants) {
        if (capacityBytesPerSecond < 0) {
            throw new SchedulerException(SchedulerException.Code.BAD_ARGUMENT,
                "capacity must be >= 0 B/s, got " + capacityBytesPerSecond);
        }
        final List<Claim> reserved = new ArrayList<>();
        final List<Claim> bestEffort = new ArrayList<>();
        long reservedTotal = 0;
        for (Tenant tenant : tenants) {
            if (tenant.reservedBytesPerSecond() > 0) {
                reserved.add(new Claim(tenant.flowId(), tenant.weight(), tenant.reservedBytesPerSecond()));
                reservedTotal = Math.addExact(reservedTotal, tenant.reservedBytesPerSecond());
            } else {
                // Wants all it can get: the capacity bounds its demand.
                bestEffort.add(new Claim(tenant.flowId(), tenant.weight(), capacityBytesPerSecond));
            }
        }
        final List<Share> reservedShares = allocate(Math.min(reservedTotal, capacityBytesPerSecond), reserved);
        long left = capacityBytesPerSecond;
        for (Share share : reservedShares) {
            left -= share.bytesPerSecond();
        }
        final List<Share> bestEffortShares = allocate(Math.max(0, left), bestEffort);
        final List<Share> result = new ArrayList<>(tenants.size());
        int r = 0;
        int b = 0;
        for (Tenant tenant : tenants) {
            result.add(tenant.reservedBytesPerSecond() > 0 ? reservedShares.get(r++) : bestEffortShares.get(b++));
        }
        return result;
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
