package io.flowswitch.fml.plan;

import io.flowswitch.fml.lex.Units;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A flow's performance policy: the rate it asks the scheduler to reserve, its priority, the size below
 * which a request takes the direct software path, and how long the flow may stall. Empty values leave
 * the choice to the scheduler. Immutable.
 */
public record Policy(OptionalLong rateBytesPerSecond, OptionalInt priority, OptionalLong smallRequestThresholdBytes,
                     Optional<Duration> timeout) {
    public static Policy none() {
        return new Policy(OptionalLong.empty(), OptionalInt.empty(), OptionalLong.empty(), Optional.empty());
    }

    /** {@code rate 500MiB/s, priority 2}, or {@code none}. */
    public String text() {
        final List<String> parts = new ArrayList<>();
        rateBytesPerSecond.ifPresent(r -> parts.add("rate " + Units.rate(r)));
        priority.ifPresent(p -> parts.add("priority " + p));
        smallRequestThresholdBytes.ifPresent(t -> parts.add("small-request-threshold " + Units.size(t)));
        timeout.ifPresent(t -> parts.add("timeout " + Units.duration(t.toNanos())));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }
}
