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
     * Codes that mean the node refused the flow during set-up: exit code 3. Everything else that happens
     * to a flow is exit code 1.
     */
    static final Set<String> REJECTION_CODES = Set.of("INVALID_FLOW", "ADMISSION_REFUSED", "NO_DEVICE",
        "BAD_PARAMETER", "NO_SUCH_KEY", "BAD_CHUNK_SIZE");

    static Failure of(Throwable error) {
        return of(error, false);
    }

    /**
     * A flow's error. Once a flow has run, every failure is exit code 1, whatever its code: the node did
     * not refuse it, something went wrong while it moved data.
     *
     * @param ran whether the flow got past set-up and moved data
     */
    static Failure ofFlow(Throwable error, boolean ran) {
        return of(error, ran);
    }

    private static Failure of(Throwable error, boolean ran) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 32; depth++, cause = cause.getCause()) {
            if (cause instanceof CliException cli) {
                return new Failure(cli.exitCode(), oneLine(cli.getMessage()));
            }
            if (cause instanceof FlowException flow) {
                return coded(flow.code(), flow.getMessage(), ran);
            }
            if (cause instanceof DeviceException device) {
                return coded(device.code(), device.getMessage(), ran);
            }
        }
        final String text = error.getMessage() == null || error.getMessage().isBlank()
            ? error.getClass().getSimpleName() : error.getClass().getSimpleName() + ": " + error.getMessage();
        return new Failure(ExitCodes.FLOW_FAILED, oneLine(text) + " (run with --debug for the stack trace)");
    }

    private static Failure coded(String code, String message, boolean ran) {
        final int exitCode = !ran && REJECTION_CODES.contains(code) ? ExitCodes.REJECTED : ExitCodes.FLOW_FAILED;
        final String text = message == null || message.isBlank() ? "failed" : message;
        return new Failure(exitCode, oneLine(text) + (code == null ? "" : " (" + code + ")"));
    }

    /** Every error is one line on stderr: fold any line breaks a message carries. */
    static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
