package io.flowswitch.cli;

import io.flowswitch.javadsl.FlowSwitch;

/**
 * Where a command gets its flowswitch node. The launcher starts one per command and closes it at the end
 * (or when the JVM is stopped, so that a sink removes partial output and the media driver its files);
 * tests share one node among many commands.
 */
interface NodeProvider {
    /** Returns a running node; the caller hands it back to {@link #release} when done. */
    FlowSwitch acquire();

    void release(FlowSwitch node);

    /** A fresh node per command, closed on release or on JVM shutdown (Ctrl-C). */
    static NodeProvider perCommand() {
        return new NodeProvider() {
            private Thread hook;

            @Override
            public FlowSwitch acquire() {
                final FlowSwitch node = FlowSwitch.start();
                hook = new Thread(node::close, "flowswitch-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                return node;
            }

            @Override
            public void release(FlowSwitch node) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running already and closes the node itself.
                    return;
                }
                node.close();
            }
        };
    }

    /** A node owned by the caller: never closed here. */
    static NodeProvider shared(FlowSwitch node) {
        return new NodeProvider() {
            @Override
            public FlowSwitch acquire() {
                return node;
            }

            @Override
            public void release(FlowSwitch ignored) {
                // The owner closes it.
            }
        };
    }
}
