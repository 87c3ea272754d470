package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.javadsl.FlowSwitch;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/** Runs the command line in-process with stdout and stderr captured. */
final class Cli {
    /** What one command line did. */
    record Outcome(int exitCode, String out, String err) {
        /** Asserts the exit code and that stderr is exactly one {@code flowswitch: ...} line; returns that line. */
        String assertError(int expectedExitCode) {
            assertEquals(expectedExitCode, exitCode, this::toString);
            final String[] lines = err.strip().split("\\R");
            assertEquals(1, lines.length, () -> "expected one line on stderr: " + this);
            assertTrue(lines[0].startsWith("flowswitch: "), this::toString);
            return lines[0];
        }

        void assertDone() {
            assertEquals(ExitCodes.DONE, exitCode, this::toString);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** A provider for commands that must fail before they need a node. */
    static final NodeProvider NO_NODE = new NodeProvider() {
        @Override
        public FlowSwitch acquire() {
            throw new AssertionError("this command line should have been refused before starting a node");
        }

        @Override
        public void release(FlowSwitch node) {
            throw new AssertionError("no node to release");
        }
    };

    private Cli() {
    }

    /**
     * One real node shared by a test class (a node takes about half a second to start): start it in
     * {@code @BeforeAll}, close it in {@code @AfterAll}, run command lines on it with {@link #run}.
     */
    static final class SharedNode implements AutoCloseable {
        private final FlowSwitch node;
        private final NodeProvider provider;

        private SharedNode(FlowSwitch node) {
            this.node = node;
            this.provider = NodeProvider.shared(node);
        }

        static SharedNode start() {
            // As the CLI does: set logging up before the node's threads race to (SLF4J warns about that).
            LoggerFactory.getILoggerFactory();
            return new SharedNode(FlowSwitch.start());
        }

        FlowSwitch node() {
            return node;
        }

        Outcome run(String... args) {
            return Cli.run(provider, args);
        }

        @Override
        public void close() {
            node.close();
        }
    }

    /**
     * A {@link SharedNode} for a test class as a JUnit extension: register it as a static
     * {@code @RegisterExtension} field; it starts before the class's {@code @BeforeAll} methods and closes after
     * its {@code @AfterAll} methods.
     */
    static final class ClassNode implements BeforeAllCallback, AfterAllCallback {
        private SharedNode shared;

        @Override
        public void beforeAll(ExtensionContext context) {
            shared = SharedNode.start();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            if (shared != null) {
                shared.close();
            }
        }

        FlowSwitch node() {
            return shared.node();
        }

        Outcome run(String... args) {
            return shared.run(args);
        }
    }

    /** Runs {@code args} on a command line the caller prepared (e.g. with a command's field changed). */
    static Outcome run(picocli.CommandLine commandLine, String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        final int exitCode = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        return new Outcome(exitCode, out.toString(), err.toString());
    }

    static Outcome run(NodeProvider nodes, String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exitCode = FlowswitchCommand.execute(nodes, new PrintWriter(out), new PrintWriter(err), args);
        return new Outcome(exitCode, out.toString(), err.toString());
    }
}
