package io.flowswitch.flow.ladder;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An exception from outside the flow's devices (the paper's section 2): the peer of a socket sink reset
 * the connection, a sink's disk or buffer is full, the path MTU under a framer changed. A flow's
 * {@link EventRules} say what it does about each; by default the flow ends (step 5).
 */
public enum ExternalEvent {
    /** The peer reset or closed the connection of a socket sink; device code {@code PEER_RESET}. */
    PEER_RESET("peer-reset", List.of("PEER_RESET")),
    /** A sink found no room for a write ({@code SINK_FULL}, or a file sink's {@code NO_SPACE}). */
    SINK_FULL("sink-full", List.of("SINK_FULL", "NO_SPACE")),
    /** The path MTU under a framer changed; device code {@code MTU_CHANGED}. */
    MTU_CHANGE("mtu-change", List.of("MTU_CHANGED"));

    private final String text;
    private final List<String> codes;

    ExternalEvent(String text, List<String> codes) {
        this.text = text;
        this.codes = codes;
    }

    /** As FML writes it: {@code peer-reset}, {@code sink-full}, {@code mtu-change}. */
    public String text() {
        return text;
    }

    /** The device error codes that are this event. */
    public List<String> codes() {
        return codes;
    }

    /**
     * Whether writing the same bytes again after a while can get past the event: a full sink may drain;
     * a reset connection cannot be resumed mid-stream (the peer would see a new stream), so {@code retry}
     * is refused for it when the flow is verified ({@link #whyNoRetry}).
     */
    public boolean retryable() {
        return this == SINK_FULL;
    }

    /** Why {@code retry} is refused for this event when the flow is verified, or null when it is allowed. */
    public String whyNoRetry() {
        return this == PEER_RESET ? NO_RESUME : null;
    }

    /**
     * Why a reset connection is not resumed: a socket sink's peer acknowledges no record boundary, so on
     * a new connection the sink could not know which bytes the peer already took; resending from any
     * guess would lose or duplicate bytes.
     */
    public static final String NO_RESUME = "a reset connection cannot be resumed without losing or duplicating"
        + " bytes: the peer acknowledges no record boundary, so a new connection would not know where to go on";


    /** The event a device error with {@code code} is, if any. */
    public static Optional<ExternalEvent> ofCode(String code) {
        for (ExternalEvent event : values()) {
            if (event.codes.contains(code)) {
                return Optional.of(event);
            }
        }
        return Optional.empty();
    }

    /** The event FML names {@code text}, if any. */
    public static Optional<ExternalEvent> ofText(String text) {
        final String lower = text.toLowerCase(Locale.ROOT);
        for (ExternalEvent event : values()) {
            if (event.text.equals(lower)) {
                return Optional.of(event);
            }
        }
        return Optional.empty();
    }
}
