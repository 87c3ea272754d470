package io.flowswitch.flow;

/** How chunks cross between the islands (threads) of a flow. */
public enum Transport {
    /** Every edge is an Aeron IPC stream: a copy into shared memory and out; the same edge can span processes. */
    AERON_IPC,
    /** Co-located neighbours hand pooled chunks over a bounded queue: no copy, one process only. */
    FUSED
}
