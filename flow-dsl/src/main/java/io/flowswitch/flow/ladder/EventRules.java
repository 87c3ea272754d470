package io.flowswitch.flow.ladder;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a flow does about each {@link ExternalEvent}: a ladder of the steps an event handler may take,
 * {@code retry N [backoff D]} (write the rest of the chunk again after the back-off, for {@code sink-full};
 * re-frame at the new MTU, for {@code mtu-change}; refused for {@code peer-reset}), {@code ignore transient}
 * (never drops a sink's bytes: skipped, and the receipt says so; for {@code mtu-change}: keep the old MTU),
 * {@code notify} (the application answers {@link Decision#RETRY}, {@link Decision#CONTINUE} or
 * {@link Decision#TERMINATE}) and {@code terminate}. An event without rules ends the flow. FML writes them
 * {@code on sink-full { retry 3 backoff 10ms; notify }}. Immutable.
 */
public record EventRules(Map<ExternalEvent, Ladder> rules) {
    /** No rules: every external event ends the flow. */
    public static final EventRules NONE = new EventRules(Map.of());

    public EventRules {
        final Map<ExternalEvent, Ladder> copy = new EnumMap<>(ExternalEvent.class);
        rules.forEach((event, ladder) -> {
            for (Ladder.Step step : ladder.steps()) {
                if (step.step() == 2 || step.step() == 4) {
                    throw new IllegalArgumentException("'" + step.text() + "' does not apply to event '" + event.text()
                        + "': an event handler may retry, ignore transient, notify or terminate");
                }
                if (step instanceof Ladder.Retry && event.whyNoRetry() != null) {
                    throw new IllegalArgumentException("'" + step.text() + "' does not apply to event '" + event.text()
                        + "': " + event.whyNoRetry() + "; notify or terminate");
                }
            }
            copy.put(event, ladder);
        });
        rules = Collections.unmodifiableMap(copy);
    }

    /** These rules with {@code steps} for {@code event} (terminate appended when missing). */
    public EventRules on(ExternalEvent event, Ladder.Step... steps) {
        final Map<ExternalEvent, Ladder> more = new EnumMap<>(ExternalEvent.class);
        more.putAll(rules);
        more.put(event, Ladder.of(steps));
        return new EventRules(more);
    }

    /** The rules of {@code event}, if the flow has any. */
    public Optional<Ladder> of(ExternalEvent event) {
        return Optional.ofNullable(rules.get(event));
    }

    /** Whether any event has a rule besides terminate: the sink then runs with an event handler. */
    public boolean acts() {
        return rules.values().stream().anyMatch(ladder -> !ladder.terminatesOnly());
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** These rules with {@code handler} answering each {@code notify} that has none (see {@link Ladder#notifying}). */
    public EventRules withNotifyHandler(NotifyHandler handler) {
        final Map<ExternalEvent, Ladder> answered = new EnumMap<>(ExternalEvent.class);
        rules.forEach((event, ladder) -> answered.put(event, ladder.withNotifyHandler(handler)));
        return new EventRules(answered);
    }

    @Override
    public String toString() {
        return rules.entrySet().stream().map(e -> "on " + e.getKey().text() + " { " + e.getValue().text() + " }")
            .collect(Collectors.joining(" "));
    }
}
