package io.flowswitch.cli;

/** Entry point of the {@code flowswitch} launcher and the runnable jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        final java.io.PrintWriter out = new java.io.PrintWriter(System.out, true);
        final java.io.PrintWriter err = new java.io.PrintWriter(System.err, true);
        System.exit(FlowswitchCommand.execute(NodeProvider.perCommand(), out, err, args));
    }
}
