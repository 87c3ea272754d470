package io.flowswitch.devices;

/**
 * A device failed. The message is one sentence a user can act on: what failed, where, why.
 * {@link #code()} is stable and documented, for tools and exit codes.
 */
public class DeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public DeviceException(String code, String message) {
        super(message);
        this.code = code;
    }

    public DeviceException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Stable error code, e.g. {@code "AUTH_FAILED"}, {@code "IO"}, {@code "TRUNCATED"}. */
    public String code() {
        return code;
    }
}
