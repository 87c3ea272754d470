package io.flowswitch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.devices.testkit.TestThreads;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.ladder.Decision;
import io.flowswitch.flow.ladder.ExternalEvent;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.ladder.Notification;
import io.flowswitch.flow.ladder.NotifyHandler;
import io.flowswitch.flow.ladder.Receipt;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external exception from the real world: the peer of a TCP sink resets the connection in the middle
 * of a flow. The sink has no ladder to climb (chunks are re-issued into transforms only), so the flow ends
 * at step 5 with an error that names the sink, the transform upstream takes no step, and every lease is back;
 * with rules for {@code peer-reset}, the application is told and decides.
 */
class PeerResetTest {
    private static FlowSwitch node;

    /** Blocking peers run on threads of their own, never on the common pool. */
    @RegisterExtension
    final TestThreads peers = new TestThreads("resetting-peer");

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

    @Test
    void aPeerThatResetsTheConnectionEndsTheFlowNamingTheSink() throws Exception {
        final byte[] data = new byte[4 << 20];
        new Random(9).nextBytes(data);
        final Path input = Files.write(dir.resolve("input.bin"), data);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final CompletableFuture<Long> peer = peers.supply(() -> resetAfter(server, 256 << 10));
            final FlowResult result = node.run(Flows.from(Devices.file(input))
                    .via(Devices.aesGcmEncrypt("k").withLadder(Ladder.recommended()))
                    .to(Devices.tcpSink("127.0.0.1", server.getLocalPort())).key("k", new byte[32]).build())
                .completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertTrue(peer.get(10, TimeUnit.SECONDS) >= 256 << 10, "the peer read before it reset");
            assertFalse(result.succeeded());
            assertTrue(result.elapsedNs() < TimeUnit.SECONDS.toNanos(5), "the flow ended promptly: "
                + result.elapsedNs() / 1_000_000 + " ms");
            final String message = result.error().getMessage();
            assertTrue(message.contains("stage 3 (tcp-sink)"), message);
            assertTrue(result.receipt().steps().isEmpty(), "the cipher did not fail: " + result.receipt().steps());
        }
        assertStoppedAndLeasesBack();
    }

    @Test
    void theFlowsRulesForPeerResetNotifyTheApplicationWhichEndsTheFlow() throws Exception {
        final byte[] data = new byte[4 << 20];
        new Random(10).nextBytes(data);
        final Path input = Files.write(dir.resolve("input.bin"), data);
        final CompletableFuture<Notification> told = new CompletableFuture<>();
        final NotifyHandler application = n -> {
            told.complete(n);
            return CompletableFuture.completedFuture(Decision.TERMINATE);
        };
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final CompletableFuture<Long> peer = peers.supply(() -> resetAfter(server, 256 << 10));
            final FlowResult result = node.run(Flows.from(Devices.file(input)).via(Devices.aesGcmEncrypt("k"))
                    .to(Devices.tcpSink("127.0.0.1", server.getLocalPort())).key("k", new byte[32])
                    .on(ExternalEvent.PEER_RESET, new Ladder.Notify(application, 1_000_000_000L, Decision.CONTINUE))
                    .build())
                .completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertTrue(peer.get(10, TimeUnit.SECONDS) >= 256 << 10, "the peer read before it reset");
            assertFalse(result.succeeded());
            final Notification notification = told.get(5, TimeUnit.SECONDS);
            assertEquals("PEER_RESET", notification.code());
            assertEquals("stage 3 (tcp-sink)", notification.stage());
            assertEquals(List.of(Decision.CONTINUE, Decision.TERMINATE), notification.options(),
                "a reset connection cannot be written again");
            final String message = result.error().getMessage();
            assertTrue(message.contains("stage 3 (tcp-sink)") && message.contains("the flow's rules for peer-reset"),
                message);
            assertEquals(List.of("notify: decision terminate", "terminate"), result.receipt().steps().stream()
                .map(Receipt.StepTaken::action).toList());
            // Retrying a reset connection is refused before any flow runs: nothing says where to resume.
            final IllegalArgumentException retry = assertThrows(IllegalArgumentException.class,
                () -> Flows.from(Devices.file(input)).to(Devices.tcpSink("127.0.0.1", server.getLocalPort()))
                    .on(ExternalEvent.PEER_RESET, new Ladder.Retry(2, 0)));
            assertTrue(retry.getMessage().contains("the peer acknowledges no record boundary"), retry.getMessage());
        }
        assertStoppedAndLeasesBack();
    }

    private static void assertStoppedAndLeasesBack() throws Exception {
        StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
        Eventually.waitUntil(Duration.ofSeconds(5),
            () -> node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).liveLeases() == 0);
        assertEquals(0, node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).liveLeases());
    }

    /** Accepts one connection, reads {@code bytes}, then resets it (linger 0: an RST, not a FIN). */
    private static long resetAfter(ServerSocket server, int bytes) {
        try (Socket socket = server.accept()) {
            final InputStream in = socket.getInputStream();
            final byte[] buffer = new byte[64 << 10];
            long read = 0;
            while (read < bytes) {
                final int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            socket.setSoLinger(true, 0);
            return read;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
