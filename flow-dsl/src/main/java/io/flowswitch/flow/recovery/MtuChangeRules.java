package io.flowswitch.flow.recovery;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.frame.MtuChange;
import io.flowswitch.devices.frame.MtuChangeHandler;
import io.flowswitch.flow.ladder.Decision;
import io.flowswitch.flow.ladder.ExternalEvent;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.ladder.Notification;
import io.flowswitch.flow.ladder.Receipt;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The flow's rules for {@code mtu-change}, acting for a framer whose path MTU changed: {@code retry} re-frames
 * the chunk the change applies to and every later record at the new MTU (re-framing cannot fail, so the
 * count and back-off do not matter; an MTU too small for the header and one payload byte skips it);
 * {@code ignore transient} keeps framing at the old MTU; {@code notify} asks the application, which answers
 * {@link Decision#RETRY} (re-frame), {@link Decision#CONTINUE} (the next rule) or {@link Decision#TERMINATE};
 * at the end of the rules the flow ends with an error that names the stage and the new MTU. Every step goes
 * to the flow's receipt.
 *
 * <p>A {@code notify} waits for the answer up to its timeout on the framer's thread (the device dispatcher).
 * Thread-safe: it keeps no state of its own.
 */
public final class MtuChangeRules implements MtuChangeHandler {
    private final Ladder ladder;
    private final String receiptStage;
    private final long flowId;
    private final ReceiptRecorder recorder;

    /**
     * @param ladder       the rules of {@code mtu-change}
     * @param receiptStage the stage as receipts name it, e.g. {@code 2:frame}
     */
    public MtuChangeRules(Ladder ladder, String receiptStage, long flowId, ReceiptRecorder recorder) {
        this.ladder = ladder;
        this.receiptStage = receiptStage;
        this.flowId = flowId;
        this.recorder = recorder;
    }

    @Override
    public int decide(MtuChange change) {
        for (Ladder.Step step : ladder.steps()) {
            if (step instanceof Ladder.Retry) {
                if (change.reframable()) {
                    record(1, reframe(change), change);
                    return change.newMtuBytes();
                }
                record(1, "retry skipped: " + tooSmall(change), change);
            } else if (step instanceof Ladder.IgnoreTransient) {
                record(1, "ignore transient: records stay at " + change.oldMtuText(), change);
                return change.oldMtuBytes();
            } else if (step instanceof Ladder.Notify notify) {
                final List<Decision> options = change.reframable()
                    ? List.of(Decision.RETRY, Decision.CONTINUE, Decision.TERMINATE)
                    : List.of(Decision.CONTINUE, Decision.TERMINATE);
                final Decision decision = ask(notify, change, options);
                record(3, "notify: decision " + decision.name().toLowerCase(Locale.ROOT), change);
                if (decision == Decision.RETRY) {
                    record(3, reframe(change), change);
                    return change.newMtuBytes();
                }
                if (decision == Decision.TERMINATE) {
                    break;
                }
            } else if (step instanceof Ladder.Terminate) {
                break;
            }
        }
        record(5, "terminate", change);
        throw new DeviceException(MtuChange.CODE, change.event().getMessage() + "; the flow's rules for "
            + ExternalEvent.MTU_CHANGE.text() + " (" + ladder.text() + ") did not get past it", change.event());
    }

    private static String reframe(MtuChange change) {
        return "re-frame from chunk " + change.chunk() + " (record " + change.record() + ") at an MTU of "
            + change.newMtuBytes() + " bytes (was " + change.oldMtuText() + ")";
    }

    private static String tooSmall(MtuChange change) {
        return "an MTU of " + change.newMtuBytes() + " bytes cannot hold the " + change.headerBytes()
            + "-byte header and a payload byte";
    }

    /** The application's decision, or the step's default when it has no handler or does not answer in time. */
    private Decision ask(Ladder.Notify notify, MtuChange change, List<Decision> options) {
        if (notify.handler() == null) {
            return options.contains(notify.defaultDecision()) ? notify.defaultDecision() : Decision.CONTINUE;
        }
        final Notification notification = new Notification(flowId, change.stage(), MtuChange.CODE,
            change.event().getMessage(), change.chunk(), "instance 0", options);
        try {
            final Decision decision = notify.handler().decide(notification).toCompletableFuture()
                .get(notify.timeoutNs(), TimeUnit.NANOSECONDS);
            return decision != null && options.contains(decision) ? decision : fallback(notify, options);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback(notify, options);
        } catch (Exception e) {
            // No answer in time, or the handler failed: the step's default, as for a sink's events.
            return fallback(notify, options);
        }
    }

    private static Decision fallback(Ladder.Notify notify, List<Decision> options) {
        return options.contains(notify.defaultDecision()) ? notify.defaultDecision() : Decision.CONTINUE;
    }

    private void record(int step, String action, MtuChange change) {
        recorder.step(new Receipt.StepTaken(System.currentTimeMillis(), System.nanoTime(), receiptStage, step, action,
            MtuChange.CODE, change.event().getMessage(), change.chunk(), "instance 0"));
    }
}
