package io.flowswitch.scheduler;

/**
 * Why one device kind could not take a flow: what the flow asked of it, what is in use, and the kind's
 * limit; when the rate would fit but not enough instances are free (stateful instances are one flow
 * each), how many it needed and how many were free. Immutable.
 */
public record Shortfall(String kind, long requestedBytesPerSecond, long inUseBytesPerSecond,
    long limitBytesPerSecond, int requestedInstances, int freeInstances, int instances, boolean stateful) {

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
        return rates + ", but it needs " + requestedInstances + (requestedInstances == 1 ? " instance" : " instances")
            + " with room and " + freeInstances + " of " + instances + " have it"
            + (stateful ? " (stateful: one flow per instance)" : "");
    }

    @Override
    public String toString() {
        return sentence();
    }
}
