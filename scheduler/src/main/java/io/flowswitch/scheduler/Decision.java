package io.flowswitch.scheduler;

import java.util.List;

/** The answer to an admission request: a lease, or a refusal that says why in one sentence. Immutable. */
public sealed interface Decision permits Decision.Granted, Decision.Refused {
    long flowId();

    /** The flow holds {@code lease} until released. */
    record Granted(Lease lease) implements Decision {
        @Override
        public long flowId() {
            return lease.flowId();
        }
    }

    /**
     * The flow holds nothing.
     *
     * @param reason what kind of no, for callers that map it (to an exit code, an FML diagnostic)
     * @param shortfalls for {@link Reason#CAPACITY}: one per device kind that could not take the flow
     * @param message one sentence: what was refused and why, e.g. {@code flow 7 refused: aes-card: requested
     *     450 MiB/s, in use 600 MiB/s, limit 900 MiB/s}
     */
    record Refused(long flowId, Reason reason, List<Shortfall> shortfalls, String message) implements Decision {
        public Refused {
            shortfalls = List.copyOf(shortfalls);
        }
    }

    /** Kinds of refusal, in the order they are checked. */
    enum Reason {
        /** A lease for this flow id is live. */
        DUPLICATE_FLOW,
        /** The principal has no grant, or its grant does not cover a kind, the instances or the rate. */
        GRANT,
        /** A stage names a kind the pool does not have. */
        UNKNOWN_KIND,
        /** The request cannot be met whatever the load: e.g. replicas of a stateful stage. */
        INVALID,
        /** Not enough capacity or free instances now. */
        CAPACITY
    }
}
