package io.flowswitch.devices.accel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One modelled accelerator whose capacity many flows share: the scheduler splits its rate among the flows
 * leased on it ({@link #share(Map)}, e.g. by weight) and each flow's device paces its chunks at its own part
 * ({@link Share}). A re-split when flows come and go changes the parts in place, so running devices follow it
 * from their next chunk. Thread-safe: the scheduler writes, stage threads read.
 */
public final class SharedAccelerator {
    private final String instance;
    private final long capacityBytesPerSecond;
    private final Map<Long, Share> shares = new ConcurrentHashMap<>();

    SharedAccelerator(String instance, long capacityBytesPerSecond) {
        this.instance = instance;
        this.capacityBytesPerSecond = capacityBytesPerSecond;
    }

    /** The instance's name, {@code <kind>#<index>}. */
    public String instance() {
        return instance;
    }

    public long capacityBytesPerSecond() {
        return capacityBytesPerSecond;
    }

    /**
     * Sets every flow's part of the capacity, in bytes per second: flows listed get (or keep, updated) a
     * part, flows not listed lose theirs. Parts below {@link RateLimitKind#MIN_RATE_BYTES_PER_SECOND} pace at
     * that minimum, so that a flow squeezed to nothing still ends.
     */
    public void share(Map<Long, Long> bytesPerSecondByFlow) {
        shares.keySet().retainAll(bytesPerSecondByFlow.keySet());
        bytesPerSecondByFlow.forEach((flowId, rate) ->
            shares.computeIfAbsent(flowId, id -> new Share()).bytesPerSecond = rate);
    }

    /** The flow's part in bytes per second, or -1 when it has none here. */
    public long shareOf(long flowId) {
        final Share share = shares.get(flowId);
        return share == null ? -1 : share.bytesPerSecond;
    }

    /** Flows holding a part. */
    public int tenants() {
        return shares.size();
    }

    Share find(long flowId) {
        return shares.get(flowId);
    }

    @Override
    public String toString() {
        return "SharedAccelerator{" + instance + ", " + capacityBytesPerSecond + " bytes/s, " + shares.size()
            + " flows}";
    }

    /** One flow's part of an accelerator: written by the scheduler, read by the flow's device per chunk. */
    static final class Share {
        private volatile long bytesPerSecond;
        /** Devices of the flow pacing on this part (its replicas on this instance), for placing the next one. */
        final AtomicInteger devices = new AtomicInteger();

        long pacingBytesPerSecond() {
            return Math.max(RateLimitKind.MIN_RATE_BYTES_PER_SECOND, bytesPerSecond);
        }
    }
}
