package io.flowswitch.fml.plan;

import io.flowswitch.fml.lex.Units;
import java.time.Duration;
import java.util.Optional;

/**
 * One step of an exception ladder as the supervisor will run it, in the paper's order: retry or ignore
 * (1), redirect (2), notify (3), software path (4), terminate (5). Immutable.
 */
public sealed interface LadderStep {
    /** 1 to 5: where the step sits in the ladder. */
    int step();

    /** The step as FML writes it. */
    String text();

    /** Restart the device or re-issue the data up to {@code times} times, waiting {@code backoff} between. */
    record Retry(int times, Optional<Duration> backoff) implements LadderStep {
        @Override
        public int step() {
            return 1;
        }

        @Override
        public String text() {
            return "retry " + times + backoff.map(b -> " backoff " + Units.duration(b.toNanos())).orElse("");
        }
    }

    /** Drop a non-persistent error where the flow allows it. */
    record IgnoreTransient() implements LadderStep {
        @Override
        public int step() {
            return 1;
        }

        @Override
        public String text() {
            return "ignore transient";
        }
    }

    /** Move the flow to another instance of the same kind ({@code kind} empty) or to instances of {@code kind}. */
    record Redirect(Optional<String> kind) implements LadderStep {
        @Override
        public int step() {
            return 2;
        }

        @Override
        public String text() {
            return kind.map(k -> "redirect kind " + k).orElse("redirect instance");
        }
    }

    record Notify() implements LadderStep {
        @Override
        public int step() {
            return 3;
        }

        @Override
        public String text() {
            return "notify";
        }
    }

    record FallbackSoftware() implements LadderStep {
        @Override
        public int step() {
            return 4;
        }

        @Override
        public String text() {
            return "fallback software";
        }
    }

    record Terminate() implements LadderStep {
        @Override
        public int step() {
            return 5;
        }

        @Override
        public String text() {
            return "terminate";
        }
    }
}
