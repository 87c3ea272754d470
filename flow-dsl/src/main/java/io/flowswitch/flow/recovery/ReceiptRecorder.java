package io.flowswitch.flow.recovery;

import io.flowswitch.flow.ladder.Receipt;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Collects a flow's {@link Receipt} as its stages run: segments when a stage changes path or stops, ladder
 * steps as they are taken (and tells the listeners, e.g. the flow's event stream). Called a few times per
 * flow, never per chunk. Thread-safe.
 */
public final class ReceiptRecorder {
    private final long flowId;
    private final List<Receipt.Segment> segments = new ArrayList<>();
    private final List<Receipt.StepTaken> steps = new ArrayList<>();
    private final List<Receipt.Audit> audits = new ArrayList<>();
    private final List<Consumer<Receipt.StepTaken>> listeners = new CopyOnWriteArrayList<>();

    public ReceiptRecorder(long flowId) {
        this.flowId = flowId;
    }

    /** Tells {@code listener} every ladder step from now on, on the thread of the stage that takes it. */
    public void onStep(Consumer<Receipt.StepTaken> listener) {
        listeners.add(listener);
    }

    synchronized void segment(Receipt.Segment segment) {
        segments.add(segment);
    }

    synchronized void audit(Receipt.Audit audit) {
        audits.add(audit);
    }

    void step(Receipt.StepTaken step) {
        synchronized (this) {
            steps.add(step);
        }
        for (Consumer<Receipt.StepTaken> listener : listeners) {
            try {
                listener.accept(step);
            } catch (RuntimeException e) {
                // A listener's failure is its own; the flow goes on.
            }
        }
    }

    /**
     * The receipt so far; {@code plain} adds the segments of stages that ran no ladder (one per instance,
     * the whole of its output).
     */
    public synchronized Receipt receipt(List<Receipt.Segment> plain) {
        final List<Receipt.Segment> all = new ArrayList<>(plain);
        all.addAll(segments);
        return new Receipt(flowId, all, steps, audits);
    }

    public synchronized Receipt receipt() {
        return receipt(List.of());
    }
}
