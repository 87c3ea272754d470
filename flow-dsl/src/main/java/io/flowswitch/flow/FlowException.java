package io.flowswitch.flow;

/**
 * A flow could not be set up or did not complete. The message is one sentence: what, where, why, and
 * what the user can do. {@link #code()} is stable.
 */
public class FlowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public FlowException(String code, String message) {
        super(message);
        this.code = code;
    }

    public FlowException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
