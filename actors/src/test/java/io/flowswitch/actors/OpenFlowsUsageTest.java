package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's usage counts a flow as open until its supervisor, and every actor under it, has stopped: after the
 * flow's lease is back and its result complete, it still counts until then, and no longer.
 */
class OpenFlowsUsageTest {
    @TempDir
    Path dir;

    @Test
    void aFlowIsOpenWhileItRunsAndNotOnceItsSupervisorHasStopped() throws Exception {
        try (FlowSwitch node = FlowSwitch.start()) {
            assertEquals(0, usage(node).openFlows());
            // Waits for a peer that never comes: open, holding its lease, until cancelled.
            final FlowHandle waiting = node.run(Flows.from(Devices.tcpListen(freePort()))
                .via(Devices.rateLimit(1L << 30, 0)).to(Devices.fileSink(dir.resolve("out"))).name("waiting").build());
            waiting.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
            final FlowManager.Usage running = usage(node);
            assertEquals(1, running.openFlows(), running::toString);
            assertEquals(1, running.liveLeases(), running::toString);
            waiting.cancel("the test is done with it");
            final FlowResult result = waiting.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertFalse(result.succeeded());
            Eventually.waitUntil(Duration.ofSeconds(10), () -> usage(node).openFlows() == 0);
            final FlowManager.Usage after = usage(node);
            assertEquals(0, after.openFlows(), "the supervisor never stopped: " + after);
            assertEquals(0, after.liveLeases(), after::toString);
        }
    }

    private static FlowManager.Usage usage(FlowSwitch node) throws Exception {
        return node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
