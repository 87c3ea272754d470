package io.flowswitch.flow.recovery;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.ForwardingSink;
import io.flowswitch.devices.PartialWriteException;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.flow.ladder.Decision;
import io.flowswitch.flow.ladder.EventRules;
import io.flowswitch.flow.ladder.ExternalEvent;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.ladder.Notification;
import io.flowswitch.flow.ladder.Receipt;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A sink that acts on the flow's {@link EventRules} when a write fails with an external event (a full sink,
 * a peer that reset the connection) instead of ending the flow at once. For {@code sink-full} it waits the
 * back-off and writes the chunk again, from the first byte the sink did not take
 * ({@link PartialWriteException#writtenBytes()}), so nothing is written twice or left out; a reset
 * connection cannot be resumed mid-stream, so {@code retry} is skipped for it; {@code ignore transient}
 * would leave a hole in the output and is skipped too; {@code notify} asks the application and waits for
 * its answer up to the step's timeout; at the end of the rules the flow ends with the sink's error and the
 * steps taken. Every step goes to the flow's receipt. Other failures pass through unchanged.
 *
 * <p>Waits (back-off, an answer) block the calling thread: sinks run on the blocking dispatcher. The
 * caller keeps ownership of every chunk, as with any sink; the payload bounds of a chunk are restored
 * before a write returns or throws. One thread at a time.
 */
public final class EventHandlingSink extends ForwardingSink {
    private final EventRules rules;
    private final String stage;
    private final String receiptStage;
    private final long flowId;
    private final ReceiptRecorder recorder;
    /** While a failed write is being climbed past: the latest failure, and the chunk's bytes the sink has. */
    private DeviceException failure;
    private int writtenBytes;

    /**
     * @param device       the sink; this wrapper owns and closes it
     * @param stage        the stage as messages name it, e.g. {@code stage 3 (file-sink)}
     * @param receiptStage the stage as receipts name it, e.g. {@code 3:file-sink}
     */
    public EventHandlingSink(SinkDevice device, EventRules rules, String stage, String receiptStage, long flowId,
        ReceiptRecorder recorder) {
        super(device);
        this.rules = rules;
        this.stage = stage;
        this.receiptStage = receiptStage;
        this.flowId = flowId;
        this.recorder = recorder;
    }

    @Override
    public void write(Chunk chunk) {
        try {
            device.write(chunk);
        } catch (DeviceException e) {
            final ExternalEvent event = ExternalEvent.ofCode(e.code()).orElse(null);
            final Ladder ladder = event == null ? null : rules.of(event).orElse(null);
            if (ladder == null) {
                throw e;
            }
            climb(chunk, event, ladder, e);
        }
    }

    /** Takes the event's steps until a write of the rest of {@code chunk} succeeds, or ends the flow. */
    private void climb(Chunk chunk, ExternalEvent event, Ladder ladder, DeviceException first) {
        final long sequence = chunk.header().sequence();
        failure = first;
        writtenBytes = PartialWriteException.writtenBytes(first);
        for (Ladder.Step step : ladder.steps()) {
            if (step instanceof Ladder.Retry retry) {
                if (!event.retryable()) {
                    record(1, "retry skipped: a connection that was reset cannot be resumed mid-stream", failure,
                        sequence);
                    continue;
                }
                for (int attempt = 1; attempt <= retry.times(); attempt++) {
                    record(1, "retry " + attempt + "/" + retry.times() + (retry.backoffNs() > 0 ? " after "
                        + TimeUnit.NANOSECONDS.toMillis(retry.backoffNs()) + " ms" : "") + " from byte " + writtenBytes
                        + " of the chunk", failure, sequence);
                    if (retry.backoffNs() > 0) {
                        LockSupport.parkNanos(retry.backoffNs());
                    }
                    if (writeRest(chunk, event)) {
                        return;
                    }
                }
            } else if (step instanceof Ladder.IgnoreTransient) {
                record(1, "ignore transient skipped: a sink's bytes cannot be dropped without a hole in its output",
                    failure, sequence);
            } else if (step instanceof Ladder.Notify notify) {
                final List<Decision> options = event.retryable()
                    ? List.of(Decision.RETRY, Decision.CONTINUE, Decision.TERMINATE)
                    : List.of(Decision.CONTINUE, Decision.TERMINATE);
                final Decision decision = ask(notify, failure, sequence, options);
                record(3, "notify: decision " + decision.name().toLowerCase(java.util.Locale.ROOT), failure, sequence);
                if (decision == Decision.TERMINATE) {
                    break;
                }
                if (decision == Decision.RETRY && writeRest(chunk, event)) {
                    return;
                }
            }
        }
        record(5, "terminate", failure, sequence);
        throw new DeviceException(failure.code(), failure.getMessage() + "; the flow's rules for " + event.text()
            + " (" + ladder.text() + ") did not get past it", failure);
    }

    /**
     * Writes the bytes of the chunk the sink does not have yet. A failure with the same event is kept for
     * the next step; any other ends the flow as it is.
     *
     * @return whether the write went through
     */
    private boolean writeRest(Chunk chunk, ExternalEvent event) {
        try {
            device.writePart(chunk, writtenBytes, chunk.payloadLength() - writtenBytes);
            return true;
        } catch (DeviceException e) {
            if (ExternalEvent.ofCode(e.code()).orElse(null) != event) {
                throw e;
            }
            failure = e;
            writtenBytes += PartialWriteException.writtenBytes(e);
            return false;
        }
    }

    /** The application's decision, or the step's default when it has no handler or does not answer in time. */
    private Decision ask(Ladder.Notify notify, DeviceException cause, long sequence, List<Decision> options) {
        if (notify.handler() == null) {
            return notify.defaultDecision();
        }
        final Notification notification = new Notification(flowId, stage, cause.code(), cause.getMessage(),
            sequence, "instance 0", options);
        try {
            final Decision decision = notify.handler().decide(notification).toCompletableFuture()
                .get(notify.timeoutNs(), TimeUnit.NANOSECONDS);
            return decision != null && options.contains(decision) ? decision : notify.defaultDecision();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return notify.defaultDecision();
        } catch (Exception e) {
            // No answer in time, or the handler failed: the step's default, as for a transform's notify.
            return notify.defaultDecision();
        }
    }

    private void record(int step, String action, DeviceException cause, long sequence) {
        recorder.step(new Receipt.StepTaken(System.currentTimeMillis(), System.nanoTime(), receiptStage, step, action,
            cause.code(), cause.getMessage(), sequence, "instance 0"));
    }

}
