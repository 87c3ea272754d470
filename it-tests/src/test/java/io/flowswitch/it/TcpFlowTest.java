package io.flowswitch.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.Transport;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two flows of one node talk over loopback TCP: file -> gzip -> sha256 -> tcp-sink, and
 * tcp-source -> file-sink. What arrives is checked with the real gzip and sha256sum.
 */
class TcpFlowTest {
    private static FlowSwitch node;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        node = FlowSwitch.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @AfterEach
    void allStagesStopped() {
        StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void gzipOverTcpArrivesIntactAndGzipReadsIt(Transport transport) throws Exception {
        Tools.require("gzip");
        final byte[] data = compressibleData(5 * 1024 * 1024 + 3);
        final Path input = Files.write(dir.resolve("input.bin"), data);
        final Path received = dir.resolve("received.gz");
        final int port = freePort();

        final FlowHandle receiver = node.run(Flows.from(Devices.tcpListen(port)).to(Devices.fileSink(received))
            .name("receiver").transport(transport).build());
        // The receiver binds during set-up; the sender connects once it runs.
        receiver.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
        final FlowResult sent = node.run(Flows.from(Devices.file(input)).via(Devices.gzip(6)).via(Devices.sha256())
            .to(Devices.tcpSink("127.0.0.1", port)).name("sender").transport(transport).build())
            .completion().toCompletableFuture().get(60, TimeUnit.SECONDS);
        final FlowResult got = receiver.completion().toCompletableFuture().get(60, TimeUnit.SECONDS);

        assertTrue(sent.succeeded(), () -> String.valueOf(sent.error()));
        assertTrue(got.succeeded(), () -> String.valueOf(got.error()));
        final String receivedDigest = Tools.sha256sum(received);
        // Both sides' counters, the sink devices' own counts and the digests: a mismatch then says which side
        // is wrong (a counter, or the bytes themselves).
        final String sides = transport + ": sender " + sent.bytesOut() + " bytes out (" + lastStage(sent)
            + "), receiver " + got.bytesOut() + " (" + lastStage(got) + "), file " + Files.size(received)
            + " bytes, sha256 " + receivedDigest + " against the tap's " + sent.result("sha256");
        assertEquals(sent.bytesOut(), got.bytesOut(), () -> "every byte sent was received: " + sides);
        assertEquals(Files.size(received), got.bytesOut(), () -> "the receiver counted what it wrote: " + sides);
        assertTrue(sent.bytesOut() < data.length / 2, "gzip compressed the data");
        assertEquals(receivedDigest, sent.result("sha256"), () -> "the tap digest equals sha256sum's: " + sides);
        final Path unzipped = dir.resolve("unzipped.bin");
        Tools.run(received, unzipped, "gzip", "-dc");
        assertArrayEquals(data, Files.readAllBytes(unzipped), "gzip -d reads the flow's output");
    }

    @Test
    void aRefusedConnectionFailsTheFlowNamingTheAddress() throws Exception {
        final Path input = Files.write(dir.resolve("input.bin"), new byte[1000]);
        final int port = freePort();
        final FlowResult result = node.run(Flows.from(Devices.file(input)).to(Devices.tcpSink("127.0.0.1", port)).build())
            .completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertFalse(result.succeeded());
        assertTrue(result.error().getMessage().contains("127.0.0.1:" + port), result.error().getMessage());
    }

    /** The sink's counters and the results its device reported (its own byte count among them). */
    private static FlowResult.StageReport lastStage(FlowResult result) {
        return result.stages().get(result.stages().size() - 1);
    }

    static byte[] compressibleData(int size) {
        final byte[] data = new byte[size];
        final Random random = new Random(size);
        final byte[] words = "flow chunk device switch signal ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            data[i] = random.nextInt(64) == 0 ? (byte) random.nextInt(256) : words[(i * 7 + random.nextInt(3)) % words.length];
        }
        return data;
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
