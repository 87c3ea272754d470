package io.flowswitch.cli;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.flow.FlowException;
import java.util.Set;

/**
 * What the user reads when a command fails: one line (without the {@code flowswitch:} prefix) and the exit
 * code. Finds the flowswitch error (a {@link FlowException} or {@link DeviceException}) inside whatever
 * wrapped it, and shows its stable code in parentheses.
 *
 * @param exitCode one of {@link ExitCodes}
 * @param message  one line, never empty
 */
record Failure(int exitCode, String message) {
    /**
     * Codes that mean the node refused the flow before any byte moved: exit code 3. Everything else that
     * happens to a flow is exit code 1.
     */
    static final Set<String> REJECTION_CODES = Set.of("INVALID_FLOW", "ADMISSION_REFUSED", "NO_DEVICE",
        "BAD_PARAMETER", "NO_SUCH_KEY", "BAD_CHUNK_SIZE");

    static Failure of(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 32; depth++, cause = cause.getCause()) {
            if (cause instanceof CliException cli) {
                return new Failure(cli.exitCode(), oneLine(cli.getMessage()));
            }
            if (cause instanceof FlowException flow) {
                return coded(flow.code(), flow.getMessage());
            }
            if (cause instanceof DeviceException device) {
                return coded(device.code(), device.getMessage());
            }
        }
        final String text = error.getMessage() == null || error.getMessage().isBlank()
            ? error.getClass().getSimpleName() : error.getClass().getSimpleName() + ": " + error.getMessage();
        return new Failure(ExitCodes.FLOW_FAILED, oneLine(text) + " (run with --debug for the stack trace)");
    }

    private static Failure coded(String code, String message) {
        final int exitCode = REJECTION_CODES.contains(code) ? ExitCodes.REJECTED : ExitCodes.FLOW_FAILED;
        final String text = message == null || message.isBlank() ? "failed" : message;
        return new Failure(exitCode, oneLine(text) + (code == null ? "" : " (" + code + ")"));
    }

    /** Every error is one line on stderr: fold any line breaks a message carries. */
    static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
