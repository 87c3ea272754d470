package io.flowswitch.flow;

/**
 * What a flow asks of the scheduler: the rate to reserve on every device it uses, and its weight against
 * other flows sharing those devices. FML's {@code policy { rate ... priority ... }} and the Java API's
 * {@code Flows.Builder#policy} fill it. Immutable.
 *
 * @param rateBytesPerSecond the rate to reserve, in bytes per second; 0 leaves it unspecified (the flow
 *     takes instances but reserves no rate)
 * @param weight the flow's share against others on the same devices, &gt;= 1 (3 gets three times 1's)
 */
public record FlowPolicy(long rateBytesPerSecond, int weight) {
    /** No rate reserved, weight 1. */
    public static final FlowPolicy DEFAULT = new FlowPolicy(0, 1);

    public FlowPolicy {
        if (rateBytesPerSecond < 0) {
            throw new IllegalArgumentException("a flow's rate must be >= 0 bytes per second, got " + rateBytesPerSecond);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("a flow's weight must be >= 1, got " + weight);
        }
    }

    /** {@code rateBytesPerSecond} with weight 1. */
    public static FlowPolicy rate(long rateBytesPerSecond) {
        return new FlowPolicy(rateBytesPerSecond, 1);
    }

    public FlowPolicy withWeight(int value) {
        return new FlowPolicy(rateBytesPerSecond, value);
    }
}
