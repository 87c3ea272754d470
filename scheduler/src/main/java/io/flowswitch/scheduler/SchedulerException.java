package io.flowswitch.scheduler;

/**
 * The scheduler's one unchecked exception, for mistakes in its inputs (configuration, arguments); what
 * happens at run time (a refused flow) is an answer, not an exception. The message is one sentence that
 * names the key or argument at fault and what would be right.
 */
public final class SchedulerException extends RuntimeException {
    /** Stable codes, for callers that map failures to exit codes or replies. */
    public enum Code {
        /** The pool or grants configuration is malformed; the message names the key. */
        BAD_CONFIG,
        /** A device kind that the pool does not know. */
        UNKNOWN_KIND,
        /** An argument outside its range. */
        BAD_ARGUMENT
    }

    private final Code code;

    public SchedulerException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
