package io.flowswitch.scheduler;

/**
 * Why one device kind could not take a flow: what the flow asked of it, what is in use, and the kind's
 * limit; when the rate would fit in total but not on enough instances, how many instances it needed with
 * how much free rate each, and how many had that. Immutable.
 *
 * @param partBytesPerSecond the rate one replica needs free
 * @param fitInstances instances with a free lease slot and {@code partBytesPerSecond} free
 * @param openInstances instances with a free lease slot (stateful ones: without a flow)
 */
public record Shortfall(String kind, long requestedBytesPerSecond, long inUseBytesPerSecond,
    long limitBytesPerSecond, int requestedInstances, long partBytesPerSecond, int fitInstances, int openInstances,
    int instances, boolean stateful) {

    /** Whether the rate is the limit (else the instances are). */
    public boolean rateLimited() {
        return requestedBytesPerSecond > limitBytesPerSecond - Math.min(inUseBytesPerSecond, limitBytesPerSecond);
    }

    /** E.g. {@code aes-card: requested 450 MiB/s, in use 600 MiB/s, limit 900 MiB/s}. */
    public String sentence() {
        final String rates = kind + ": requested " + Rates.format(requestedBytesPerSecond) + ", in use "
            + Rates.format(inUseBytesPerSecond) + ", limit " + Rates.format(limitBytesPerSecond);
        if (rateLimited()) {
            return rates;
        }
        if (openInstances < requestedInstances) {
            return rates + ", but it needs " + count(requestedInstances) + " and " + openInstances + " of " + instances
                + (openInstances == 1 ? " is" : " are") + " free"
                + (stateful ? " (stateful: one flow per instance)" : "");
        }
        return rates + ", but it needs " + count(requestedInstances) + " with " + Rates.format(partBytesPerSecond)
            + " free" + (requestedInstances == 1 ? "" : " each") + " and " + fitInstances + " of " + instances
            + (fitInstances == 1 ? " has" : " have") + " it";
    }

    private static String count(int n) {
        return n + (n == 1 ? " instance" : " instances");
    }

    @Override
    public String toString() {
        return sentence();
    }
}
