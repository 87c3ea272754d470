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
import io.flowswitch.scheduler.StageRequest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tee holds its branch sink, and a pass stage the device it runs: the lease a flow asks for names those
 * kinds too, and admission counts them.
 */
class TeeAdmissionTest {
    @TempDir
    Path dir;

    @Test
    void theRequestOfAFlowWithATeeNamesTheTeeAndItsBranchSink() {
        final List<StageRequest> stages = FlowManager.request(1, Flows.from(Devices.file(dir.resolve("in.bin")))
            .via(Devices.tee(Devices.sha256Sink())).to(Devices.fileSink(dir.resolve("out.bin"))).build()).stages();
        assertEquals(List.of("file-source", "tee", "sha256-sink", "file-sink"),
            stages.stream().map(StageRequest::kind).toList());
    }

    @Test
    void theRequestOfAFlowWithAPassStageNamesThePassAndTheDeviceItRuns() {
        final List<StageRequest> stages = FlowManager.request(1, Flows.from(Devices.file(dir.resolve("in.bin")))
            .via(Devices.pass(Devices.rateLimit(100 << 20, 0).withReplicas(2), 0, 12))
            .to(Devices.fileSink(dir.resolve("out.bin")))
            .build()).stages();
        assertEquals(List.of("file-source", "pass", "rate-limit", "file-sink"),
            stages.stream().map(StageRequest::kind).toList());
        assertEquals(2, stages.get(2).replicas(), "each replica of the pass stage runs its own rate-limit");
    }

    @Test
    void aSecondFlowTeeingToTheOnlyDigestSinkIsRefusedNamingTheBranchKind() throws Exception {
        try (FlowSwitch node = FlowSwitch.start(
            ConfigFactory.parseString("flowswitch.node.instances.sha256-sink = 1").withFallback(ConfigFactory.load()),
            DeviceCatalog.builtIn())) {
            final int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            // The first flow holds the tee's sha256-sink while it waits for a peer that never comes.
            final FlowHandle waiting = node.run(Flows.from(Devices.tcpListen(port)).via(Devices.tee(Devices.sha256Sink()))
                .to(Devices.fileSink(dir.resolve("first.bin"))).build());
            waiting.running().toCompletableFuture().get(10, TimeUnit.SECONDS);

            final Path in = Files.write(dir.resolve("in.bin"), new byte[1000]);
            final FlowResult refused = node.run(Flows.from(Devices.file(in)).via(Devices.tee(Devices.sha256Sink()))
                .to(Devices.fileSink(dir.resolve("second.bin"))).build()).completion().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
            assertFalse(refused.succeeded());
            final FlowException error = (FlowException) refused.error();
            assertEquals("ADMISSION_REFUSED", error.code());
            assertTrue(error.getMessage().contains("sha256-sink: requested")
                && error.getMessage().contains("0 of 1 are free"), error.getMessage());

            waiting.cancel("test is done with it");
            waiting.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
            final FlowResult third = node.run(Flows.from(Devices.file(in)).via(Devices.tee(Devices.sha256Sink()))
                .to(Devices.fileSink(dir.resolve("third.bin"))).build()).completion().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
            assertTrue(third.succeeded(), () -> "the branch's lease came back when the first flow ended: "
                + third.error());
            assertEquals(1000, Files.size(dir.resolve("third.bin")));
        }
    }
}
