package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases: a pinned device serves one flow; a refusal says requested, in use and limit; cancel releases. */
class AdmissionTest {
    @TempDir
    Path dir;

    @Test
    void aSecondFlowOnTheOnlyGzipIsRefusedUntilTheFirstIsCancelled() throws Exception {
        try (FlowSwitch node = FlowSwitch.start(
            ConfigFactory.parseString("flowswitch.node.instances.gzip = 1").withFallback(ConfigFactory.load()),
            DeviceCatalog.builtIn())) {
            final int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            // The first flow holds the gzip lease while it waits for a peer that never comes.
            final FlowHandle waiting = node.run(Flows.from(Devices.tcpListen(port)).via(Devices.gzip(1))
                .to(Devices.fileSink(dir.resolve("first.gz"))).build());
            waiting.running().toCompletableFuture().get(10, TimeUnit.SECONDS);

            final Path in = Files.write(dir.resolve("in.bin"), new byte[1000]);
            final FlowResult refused = node.run(Flows.from(Devices.file(in)).via(Devices.gzip(1))
                .to(Devices.fileSink(dir.resolve("second.gz"))).build()).completion().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
            assertFalse(refused.succeeded());
            final FlowException error = (FlowException) refused.error();
            assertEquals("ADMISSION_REFUSED", error.code());
            assertEquals("flow 2 refused: gzip: requested 0 B/s, in use 0 B/s, limit 1 GiB/s, but it needs 1 instance"
                + " and 0 of 1 are free (stateful: one flow per instance)", error.getMessage());

            waiting.cancel("test is done with it");
            final FlowResult cancelled = waiting.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertFalse(cancelled.succeeded());
            assertTrue(cancelled.error().getMessage().contains("cancelled: test is done with it"),
                cancelled.error().getMessage());

            final FlowResult third = node.run(Flows.from(Devices.file(in)).via(Devices.gzip(1))
                .to(Devices.fileSink(dir.resolve("third.gz"))).build()).completion().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
            assertTrue(third.succeeded(), "the lease came back when the first flow ended: " + third.error());
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(java.util.List.of("in.bin", "third.gz"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
    }
}
