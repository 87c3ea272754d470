package io.flowswitch.flow.ladder;

/** What the application answers to a {@link Notification}. */
public enum Decision {
    /** Go on down the ladder. */
    CONTINUE,
    /** Restart the device where it failed and re-issue. */
    RETRY,
    /** Run the stage on its software path. */
    FALLBACK_SOFTWARE,
    /** End the flow. */
    TERMINATE
}
