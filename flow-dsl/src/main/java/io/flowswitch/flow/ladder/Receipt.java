package io.flowswitch.flow.ladder;

import java.util.List;

/**
 * The path receipt of a flow: which device instance or software path produced each range of each stage's
 * output, and every ladder step taken, with its time and cause. Immutable.
 *
 * @param segments in the order they were closed
 * @param steps    in the order they were taken
 * @param audits   per stage that ran a ladder, what its recovery did
 */
public record Receipt(long flowId, List<Segment> segments, List<StepTaken> steps, List<Audit> audits) {
    public Receipt {
        segments = List.copyOf(segments);
        steps = List.copyOf(steps);
        audits = List.copyOf(audits);
    }

    public static Receipt empty(long flowId) {
        return new Receipt(flowId, List.of(), List.of(), List.of());
    }

    /**
     * Output of one stage produced on one path.
     *
     * @param stage         e.g. {@code 2:aes-gcm-encrypt} (with {@code #r} for a replica)
     * @param path          {@code instance 0}, {@code instance 1}, {@code kind aes-gcm-encrypt}, {@code software}
     * @param firstSequence first output chunk's sequence number
     * @param lastSequence  last output chunk's sequence number
     * @param firstByte     offset of the range in the stage's output stream (bytes it emitted before)
     * @param bytes         length of the range
     */
    public record Segment(String stage, String path, long firstSequence, long lastSequence, long firstByte,
        long bytes) {
    }

    /**
     * One ladder step.
     *
     * @param epochMillis when, wall clock
     * @param monotonicNs when, by {@link System#nanoTime()}: to line steps up with other measurements
     * @param step        1 to 5
     * @param action      e.g. {@code retry 1/3}, {@code redirect instance 1}, {@code terminate}
     * @param code        the failure's code
     * @param cause       the failure, one sentence
     * @param sequence    the chunk the device was working on, -1 when unknown
     * @param path        where the stage ran when it failed
     */
    public record StepTaken(long epochMillis, long monotonicNs, String stage, int step, String action, String code, String cause,
        long sequence, String path) {
    }

    /**
     * What one stage's recovery did: chunks given again to a new device, duplicate outputs dropped, gaps in
     * the output sequence (lost chunks), chunks dropped on purpose ({@code ignore transient}), how many
     * failures it got past, and the longest its output stood still for one: from the last chunk it delivered
     * before the failure to the first it delivered past the chunk that failed ({@code maxStallStartNs}, by
     * {@link System#nanoTime()}, is when that stall began).
     */
    public record Audit(String stage, long reissued, long duplicatesDropped, long gaps, long ignored,
        int recoveries, long maxStallNs, long maxStallStartNs) {
    }
}
