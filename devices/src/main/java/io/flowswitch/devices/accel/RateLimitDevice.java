package io.flowswitch.devices.accel;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.InPlaceTransform;
import io.flowswitch.devices.chunk.Chunk;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code rate-limit} instance: passes each chunk through unchanged, but not before the modelled
 * accelerator would have finished it.
 *
 * <p>The model: the accelerator processes one chunk at a time at {@code rate} bytes per second, and a
 * chunk also needs at least {@code latency} from arrival to leaving (a pipeline). So a chunk of
 * {@code len} bytes arriving at {@code now} leaves at
 * {@code max(max(now, nextFree) + len / rate, now + latency)}, and the accelerator is busy until
 * {@code max(now, nextFree) + len / rate}. An idle device earns no credit: idle time is not a burst
 * allowance, as in hardware. One exception: a gap no longer than the chunk's own service time counts as
 * busy ({@code start = nextFree}), as a device with a descriptor ring two deep hides the host's hand-over
 * of the next chunk; without it every chunk would also pay its stage's own overhead (the park's late
 * wake-up, the hand-over), and a device at R would deliver a few percent less than R, more so for the
 * flows with more chunks per second. Fractions of a nanosecond are carried from chunk to chunk, so the
 * long-run rate is exact.
 *
 * <p>Blocking: {@link #accept} parks the calling thread ({@link LockSupport#parkNanos}) until the chunk
 * may leave, so the stage that calls this device runs on the blocking-I/O dispatcher, never on a shared
 * one. No allocation per chunk.
 *
 * <p>Ownership: as {@link InPlaceTransform}: the input chunk belongs to the device from {@link #accept}
 * until {@link #poll} hands it out unchanged. The counters may be read from any thread (they are written
 * by the stage thread only).
 */
public final class RateLimitDevice extends InPlaceTransform {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final String stage;
    private final long rateBytesPerSecond;
    private final long latencyNs;
    /** Where the flow's part of a shared accelerator is read, per chunk; null for a device of its own. */
    private final ShareSeat seat;
    /** Called once when the device closes (a shared one leaves its kind's seats); null for none. */
    private Runnable onClose;
    /** The rate the last chunk was paced at: the carry belongs to it. */
    private long pacedBytesPerSecond;
    private long nextFreeNs;
    private boolean started;
    /** Remainder of {@code bytes * 1e9 / rate} not yet charged, in units of 1/rate ns. */
    private long carry;
    private volatile long bytesProcessed;
    private volatile long chunksProcessed;
    private volatile long totalWaitNs;

    RateLimitDevice(String stage, long rateBytesPerSecond, long latencyNs) {
        this.stage = stage;
        this.rateBytesPerSecond = rateBytesPerSecond;
        this.latencyNs = latencyNs;
        this.seat = null;
    }

    /**
     * A device pacing at a flow's part of a shared accelerator, following it as the scheduler re-splits and
     * as it moves the device's replica between instances.
     *
     * @param onClose runs once when the device closes, or null
     */
    RateLimitDevice(String stage, ShareSeat seat, long latencyNs, Runnable onClose) {
        this.stage = stage;
        this.rateBytesPerSecond = 0;
        this.latencyNs = latencyNs;
        this.seat = seat;
        this.onClose = onClose;
    }

    /** The rate chunks are paced at now: the device's own, or its flow's current part of a shared one. */
    public long rateBytesPerSecond() {
        return seat == null ? rateBytesPerSecond : seat.pacingBytesPerSecond();
    }

    /** Whether this device holds a part of a shared accelerator now (a parked replica's may hold none). */
    public boolean holdsShare() {
        return seat != null && seat.placed();
    }

    @Override
    public void close() {
        super.close();
        final Runnable hook;
        synchronized (this) {
            hook = onClose;
            onClose = null;
        }
        if (hook != null) {
            hook.run();
        }
    }

    public long latencyNs() {
        return latencyNs;
    }

    /** Payload bytes passed through. */
    public long bytesProcessed() {
        return bytesProcessed;
    }

    /** Chunks passed through. */
    public long chunksProcessed() {
        return chunksProcessed;
    }

    /** Time spent parked waiting for the model, in nanoseconds, summed over all chunks. */
    public long totalWaitNs() {
        return totalWaitNs;
    }

    @Override
    protected void process(Chunk chunk) {
        final long arrivalNs = System.nanoTime();
        final int length = chunk.payloadLength();
        final long rate = rateBytesPerSecond();
        if (rate != pacedBytesPerSecond) {
            // A re-split: the remainder was in units of the old rate.
            pacedBytesPerSecond = rate;
            carry = 0;
        }
        // length <= 2^31 and rate <= 2^50, and carry < rate: the product and sum stay below 2^63.
        final long scaled = length * NANOS_PER_SECOND + carry;
        final long serviceNs = scaled / rate;
        carry = scaled % rate;
        // nanoTime may be negative, so "no chunk yet" cannot be a zero nextFreeNs. A gap of at most one
        // service time is the host's hand-over, which a ring hides: the device stayed busy.
        final long startNs = started && arrivalNs - nextFreeNs <= serviceNs ? nextFreeNs : arrivalNs;
        started = true;
        nextFreeNs = startNs + serviceNs;
        final long leaveNs = nextFreeNs - (arrivalNs + latencyNs) > 0 ? nextFreeNs : arrivalNs + latencyNs;
        long waitedNs = 0;
        for (long remainingNs = leaveNs - arrivalNs; remainingNs > 0; remainingNs = leaveNs - System.nanoTime()) {
            LockSupport.parkNanos(this, remainingNs);
            if (Thread.interrupted()) {
                // Keep the flag for the stage's own shutdown logic; the chunk is released by accept().
                Thread.currentThread().interrupt();
                throw new DeviceException("INTERRUPTED",
                    stage + ": interrupted while pacing a chunk of " + length + " bytes at " + rate + " bytes/s");
            }
            waitedNs = System.nanoTime() - arrivalNs;
        }
        // Plain volatile writes: one writer, the stage thread; readers only need a recent value.
        totalWaitNs += waitedNs;
        bytesProcessed += length;
        chunksProcessed++;
    }

    /** {@code bytes}, {@code chunks}, {@code wait-ns}. */
    @Override
    public Map<String, String> results() {
        return Map.of("bytes", Long.toString(bytesProcessed), "chunks", Long.toString(chunksProcessed),
            "wait-ns", Long.toString(totalWaitNs));
    }

    @Override
    public String toString() {
        return "RateLimitDevice{" + stage + ", " + rateBytesPerSecond() + " bytes/s, latency " + latencyNs + " ns, "
            + bytesProcessed + " bytes}";
    }
}
