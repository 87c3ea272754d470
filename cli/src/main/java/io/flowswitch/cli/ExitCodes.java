package io.flowswitch.cli;

/** The exit codes of every {@code flowswitch} command, as documented in {@code --help} and README.md. */
final class ExitCodes {
    /** The command did what it was asked. */
    static final int DONE = 0;
    /** A flow started but failed: I/O, authentication, truncated input, refused connection, digest mismatch. */
    static final int FLOW_FAILED = 1;
    /** {@code check}: a program has errors (the diagnostics say which). */
    static final int INVALID_PROGRAM = 1;
    /** The command line is wrong: unknown option, bad size, unreadable key or program file. */
    static final int USAGE = 2;
    /** The node refused the flow before moving a byte: verification or admission. */
    static final int REJECTED = 3;

    // One line each for picocli's exit code section; annotation values must be constants.
    static final String DONE_LINE = "0:done";
    static final String FLOW_FAILED_LINE = "1:the flow failed (I/O, authentication, truncated input, refused connection)";
    static final String USAGE_LINE = "2:usage error (bad option, size, stage, key or program file)";
    static final String REJECTED_LINE = "3:rejected by verification or admission (unknown device, bad parameter, no instance)";
    static final String INVALID_PROGRAM_LINE = "1:a program has errors";
    static final String HEADING = "%nExit codes:%n";

    private ExitCodes() {
    }
}
