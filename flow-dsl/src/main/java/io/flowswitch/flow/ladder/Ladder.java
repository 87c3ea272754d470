package io.flowswitch.flow.ladder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The exception ladder of one stage (the paper's section 2), as policy: what the flow does when the
 * stage's device fails, in ladder order. (1) {@link Retry} restarts the device and re-issues the chunks it
 * had not delivered, or {@link IgnoreTransient} drops the chunk that failed; (2) {@link RedirectInstance}
 * moves the stage to another instance of its kind, {@link RedirectKind} to a device of another kind with
 * the same function; (3) {@link Notify} asks the application; (4) {@link FallbackSoftware} runs the kind's
 * software path; (5) {@link Terminate} ends the flow with an error that names the stage and the cause. A
 * ladder that does not end in {@code terminate} ends in it implicitly. Immutable.
 *
 * <p>A stage without a ladder gets {@link #NONE}: a failed device ends the flow, and the stage costs
 * nothing extra. {@link #recommended()} is the ladder for a stage worth keeping alive.
 *
 * @param steps          in ladder order
 * @param stallTimeoutNs how long the device may hold chunks without progress before it counts as failed
 * @param replayChunks   the replay buffer: for a stateless stage the chunks in flight that a new device
 *                       gets again; for a stateful one (a compressor, a digest) the stream from its start,
 *                       so a stream longer than this cannot be re-issued and ends the flow instead
 */
public record Ladder(List<Step> steps, long stallTimeoutNs, int replayChunks) {
    public static final long DEFAULT_STALL_TIMEOUT_NS = 250_000_000L;
    public static final int DEFAULT_REPLAY_CHUNKS = 64;
    public static final int MIN_REPLAY_CHUNKS = 4;
    public static final int MAX_REPLAY_CHUNKS = 4096;
    public static final int MAX_RETRIES = 10;

    /** Terminate at the first failure: what a stage without a ladder does. */
    public static final Ladder NONE = new Ladder(List.of(new Terminate()), DEFAULT_STALL_TIMEOUT_NS,
        DEFAULT_REPLAY_CHUNKS);

    /** One step of the ladder. */
    public sealed interface Step permits Retry, IgnoreTransient, RedirectInstance, RedirectKind, Notify,
        FallbackSoftware, Terminate {
        /** 1 to 5: where the step sits in the ladder. */
        int step();

        /** The step as FML writes it. */
        String text();
    }

    /** Restart the device (a fresh instance in the same place) and re-issue, up to {@code times} times. */
    public record Retry(int times, long backoffNs) implements Step {
        public Retry {
            if (times < 1 || times > MAX_RETRIES) {
                throw new IllegalArgumentException("retry takes 1 to " + MAX_RETRIES + " tries, got " + times);
            }
            if (backoffNs < 0) {
                throw new IllegalArgumentException("a back-off must be >= 0, got " + backoffNs + "ns");
            }
        }

        @Override
        public int step() {
            return 1;
        }

        @Override
        public String text() {
            return "retry " + times + (backoffNs > 0 ? " backoff " + duration(backoffNs) : "");
        }
    }

    /** Drop the chunk that failed and go on: loses its bytes, which the receipt names. */
    public record IgnoreTransient() implements Step {
        @Override
        public int step() {
            return 1;
        }

        @Override
        public String text() {
            return "ignore transient";
        }
    }

    /** Another instance of the stage's own kind. */
    public record RedirectInstance() implements Step {
        @Override
        public int step() {
            return 2;
        }

        @Override
        public String text() {
            return "redirect instance";
        }
    }

    /** An instance of {@code kind}, which must offer the stage's functions and take its parameters. */
    public record RedirectKind(String kind) implements Step {
        public RedirectKind {
            Objects.requireNonNull(kind, "kind");
        }

        @Override
        public int step() {
            return 2;
        }

        @Override
        public String text() {
            return "redirect kind " + kind;
        }
    }

    /**
     * Tell the application and let it decide; without an answer within {@code timeoutNs} (or without a
     * {@code handler}) the flow takes {@code defaultDecision}.
     */
    public record Notify(NotifyHandler handler, long timeoutNs, Decision defaultDecision) implements Step {
        public static final long DEFAULT_TIMEOUT_NS = 1_000_000_000L;

        public Notify {
            Objects.requireNonNull(defaultDecision, "defaultDecision");
            if (timeoutNs < 0) {
                throw new IllegalArgumentException("a notification's timeout must be >= 0, got " + timeoutNs + "ns");
            }
        }

        /** Notify without a handler: the receipt and the flow's events carry it; the ladder goes on. */
        public Notify() {
            this(null, DEFAULT_TIMEOUT_NS, Decision.CONTINUE);
        }

        @Override
        public int step() {
            return 3;
        }

        @Override
        public String text() {
            return "notify";
        }
    }

    /** The kind's software path ({@code io.flowswitch.devices.SoftwarePaths}). */
    public record FallbackSoftware() implements Step {
        @Override
        public int step() {
            return 4;
        }

        @Override
        public String text() {
            return "fallback software";
        }
    }

    public record Terminate() implements Step {
        @Override
        public int step() {
            return 5;
        }

        @Override
        public String text() {
            return "terminate";
        }
    }

    public Ladder {
        steps = List.copyOf(steps);
        if (steps.isEmpty() || !(steps.get(steps.size() - 1) instanceof Terminate)) {
            final List<Step> ended = new ArrayList<>(steps);
            ended.add(new Terminate());
            steps = List.copyOf(ended);
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).step() < steps.get(i - 1).step()) {
                throw new IllegalArgumentException("ladder steps must be in ladder order: '" + steps.get(i).text()
                    + "' cannot follow '" + steps.get(i - 1).text() + "'");
            }
        }
        for (int i = 0; i < steps.size() - 1; i++) {
            if (steps.get(i) instanceof Terminate) {
                throw new IllegalArgumentException("nothing may follow terminate in a ladder");
            }
        }
        if (stallTimeoutNs < 1_000_000L) {
            throw new IllegalArgumentException("a stall timeout must be at least 1ms, got " + stallTimeoutNs + "ns");
        }
        if (replayChunks < MIN_REPLAY_CHUNKS || replayChunks > MAX_REPLAY_CHUNKS) {
            throw new IllegalArgumentException("a replay buffer holds " + MIN_REPLAY_CHUNKS + " to "
                + MAX_REPLAY_CHUNKS + " chunks, got " + replayChunks);
        }
    }

    /** A ladder of these steps (terminate appended when missing), default stall timeout and replay buffer. */
    public static Ladder of(Step... steps) {
        return new Ladder(List.of(steps), DEFAULT_STALL_TIMEOUT_NS, DEFAULT_REPLAY_CHUNKS);
    }

    public static Ladder of(List<Step> steps) {
        return new Ladder(steps, DEFAULT_STALL_TIMEOUT_NS, DEFAULT_REPLAY_CHUNKS);
    }

    /**
     * Retry twice 5 ms apart, then another instance, then the software path, then terminate: recovers from
     * transient errors, a dead instance and a dead kind, without asking anyone.
     */
    public static Ladder recommended() {
        return of(new Retry(2, 5_000_000L), new RedirectInstance(), new FallbackSoftware());
    }

    public Ladder withStallTimeout(Duration value) {
        return new Ladder(steps, value.toNanos(), replayChunks);
    }

    public Ladder withReplayChunks(int value) {
        return new Ladder(steps, stallTimeoutNs, value);
    }

    /**
     * This ladder with {@code handler} answering every {@code notify} step that has no handler of its own
     * (as those of an FML program), with the step's timeout and default.
     */
    public Ladder withNotifyHandler(NotifyHandler handler) {
        return new Ladder(steps.stream().map(step -> step instanceof Notify n && n.handler() == null
            ? new Notify(handler, n.timeoutNs(), n.defaultDecision()) : step).toList(), stallTimeoutNs, replayChunks);
    }

    /**
     * {@code spec} with {@code handler} answering the {@code notify} steps of every stage's ladder and every
     * event rule that have none: how an application takes part in the ladders of a flow it did not build,
     * e.g. an FML program's.
     */
    public static io.flowswitch.flow.FlowSpec notifying(io.flowswitch.flow.FlowSpec spec, NotifyHandler handler) {
        return spec.withStages(spec.stages().stream().map(s -> s.withLadder(s.ladder().withNotifyHandler(handler)))
            .toList()).withEvents(spec.events().withNotifyHandler(handler));
    }

    /** Whether the ladder only ever terminates: the stage then needs no replay buffer. */
    public boolean terminatesOnly() {
        return steps.size() == 1;
    }

    /** The steps as FML writes them, joined by arrows. */
    public String text() {
        return steps.stream().map(Step::text).collect(Collectors.joining(" -> "));
    }

    static String duration(long ns) {
        if (ns % 1_000_000_000L == 0) {
            return ns / 1_000_000_000L + "s";
        }
        if (ns % 1_000_000L == 0) {
            return ns / 1_000_000L + "ms";
        }
        return ns / 1_000L + "us";
    }

    @Override
    public String toString() {
        return text();
    }
}
