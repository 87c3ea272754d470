package io.flowswitch.flow.recovery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the ladder's {@code redirect instance} gets another instance of a stage's kind: the node's lease
 * ledger, which leases it to the flow (until the flow's lease is released) or refuses when none is free,
 * so that a redirect never over-commits an instance another flow holds. Called off the data path, once per
 * redirect; it must not block. Thread-safe.
 */
@FunctionalInterface
public interface SpareInstances {
    /** No ledger (a flow compiled without a node): every redirect gets a new device of the kind. */
    SpareInstances UNMANAGED = (flowId, stage, kind) -> CompletableFuture.completedFuture(kind + " (no ledger)");

    /**
     * Leases one more instance of {@code kind} to stage {@code stage} (0-based) of flow {@code flowId}.
     *
     * @return completes with the instance's name, e.g. {@code gzip#1}, or fails with a {@link RuntimeException}
     *     whose message says why none was leased
     */
    CompletionStage<String> lease(long flowId, int stage, String kind);
}
