package io.flowswitch.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.link.SharedPage;
import io.flowswitch.devices.testkit.TestThreads;
import io.flowswitch.devices.tls.TlsConnection;
import io.flowswitch.devices.tls.TlsContexts;
import io.flowswitch.devices.tls.TlsEndpoints;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.javadsl.LinkedReceiver;
import io.flowswitch.javadsl.LinkedSocket;
import io.flowswitch.flow.StageSpec;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linked socket, both record layers, end to end through a flowswitch receiver: what the application wrote
 * (copied once, lent as pages, batched) arrives byte-identical after authentication and decryption.
 */
class LinkedSocketTest {
    private static final byte[] KEY = new byte[32];
    private static FlowSwitch node;
    private static TlsContexts.Identity identity;

    /** Blocking peers run on threads of their own, never on the common pool. */
    @RegisterExtension
    final TestThreads peers = new TestThreads("linked-peer");

    @TempDir
    static Path tls;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        new Random(3).nextBytes(KEY);
        node = FlowSwitch.start();
        identity = TlsContexts.selfSigned(tls);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
        assertEquals(0, node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).liveLeases());
        assertEquals(0, TlsEndpoints.borrowed());
    }

    @Test
    void aesGcmLinkedSocketRoundTripsThroughAFlowswitchReceiver() throws Exception {
        final int port = TcpFlowTest.freePort();
        final Path received = dir.resolve("received.bin");
        final FlowHandle receiver = node.run(Flows.from(Devices.tcpListen(port)).via(Devices.aesGcmDecrypt("k"))
            .via(Devices.sha256()).to(Devices.fileSink(received)).key("k", KEY).name("receiver").build());
        receiver.running().toCompletableFuture().get(10, TimeUnit.SECONDS);

        final byte[] fileBytes = random(300_000, 4);
        final Path file = Files.write(dir.resolve("region.bin"), fileBytes);
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        final FlowResult sent;
        try (LinkedSocket socket = LinkedSocket.aesGcm(node, "127.0.0.1", port, new SecretKeySpec(KEY, "AES"),
            LinkedSocket.Options.DEFAULT);
            FileChannel channel = FileChannel.open(file)) {
            final Random random = new Random(5);
            for (int i = 0; i < 40; i++) {
                final byte[] message = random(1 + random.nextInt(150_000), i);
                socket.write(message, 0, message.length);
                expected.write(message);
            }
            final SharedPage page = socket.newPage();
            for (long position = 0; position < fileBytes.length; ) {
                assertTrue(page.awaitReturn(10, TimeUnit.SECONDS), "the flow gives the page back");
                final int n = page.readFrom(channel, position, page.capacity());
                socket.send(page, n);
                expected.write(fileBytes, (int) position, n);
                position += n;
            }
            sent = socket.finish(Duration.ofSeconds(30));
            assertEquals(java.util.List.of("fused: the source runs on the sink's thread, one island"),
                socket.flow().running().toCompletableFuture().join().edges(), "a write wakes the sealing thread itself");
            assertTrue(page.awaitReturn(10, TimeUnit.SECONDS));
            assertEquals(expected.size() - fileBytes.length, socket.copiedBytes(), "pages were not copied");
        }
        final FlowResult got = receiver.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(sent.succeeded(), () -> String.valueOf(sent.error()));
        assertTrue(got.succeeded(), () -> String.valueOf(got.error()));
        assertEquals(sha256(expected.toByteArray()), got.result("sha256"));
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(received));
    }

    @Test
    void aSourceJoinedToAStageBeforeTheRecordLayerKeepsEveryByteInOrderAndLargeWritesAreSeveralRecords()
        throws Exception {
        final int port = TcpFlowTest.freePort();
        final FlowHandle receiver = node.run(Flows.from(Devices.tcpListen(port)).via(Devices.aesGcmDecrypt("k"))
            .via(Devices.sha256()).to(Devices.fileSink(dir.resolve("received.bin"))).key("k", KEY)
            .chunkBytes(LinkedSocket.MAX_RECORD_BYTES).build());
        receiver.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
        final byte[] data = random(3 * LinkedSocket.MAX_RECORD_BYTES + 1000, 21);
        try (LinkedSocket socket = LinkedSocket.aesGcm(node, "127.0.0.1", port, new SecretKeySpec(KEY, "AES"),
            LinkedSocket.Options.DEFAULT.withChunkBytes(LinkedSocket.MAX_RECORD_BYTES)
                .withBefore(java.util.List.of(Devices.rateLimit(1L << 40, 0))))) {
            socket.write(data, 0, data.length);
            assertEquals(4, socket.chunksHandedOver(), "records of at most 256 KiB");
            final FlowResult sent = socket.finish(Duration.ofSeconds(30));
            assertTrue(sent.succeeded(), () -> String.valueOf(sent.error()));
            final java.util.List<String> edges = socket.flow().running().toCompletableFuture().join().edges();
            assertEquals(2, edges.size(), edges.toString());
            assertEquals("fused: the source runs on stage 2's thread", edges.get(0));
        }
        final FlowResult got = receiver.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(got.succeeded(), () -> String.valueOf(got.error()));
        assertEquals(sha256(data), got.result("sha256"));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("received.bin")));
    }

    @Test
    void recordsLargerThanTheCipherHandlesWellAreRefused() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> LinkedSocket.Options.DEFAULT.withChunkBytes(LinkedSocket.MAX_RECORD_BYTES + 1));
        assertTrue(e.getMessage().contains("chunk 262145 B"), e.getMessage());
    }

    @Test
    void tlsLinkedSocketRoundTripsThroughAFlowswitchReceiver() throws Exception {
        final SSLContext client = TlsContexts.trusting(identity.certificate());
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final Socket out = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            final TlsConnection serverEnd = TlsConnection.server(listener.accept(), identity.context());
            final String serverName = TlsEndpoints.register(serverEnd);
            final Path received = dir.resolve("received.bin");
            final FlowHandle receiver = node.run(Flows.from(StageSpec.of("tls-source", "connection", serverName))
                .via(Devices.sha256()).to(Devices.fileSink(received)).name("tls receiver").build());
            final byte[] data = random(2 * 1024 * 1024 + 3, 9);
            final FlowResult sent;
            try (LinkedSocket socket = LinkedSocket.tls(node, TlsConnection.client(out, client, "localhost"),
                LinkedSocket.Options.DEFAULT)) {
                for (int offset = 0; offset < data.length; offset += 10_000) {
                    socket.write(data, offset, Math.min(10_000, data.length - offset));
                }
                sent = socket.finish(Duration.ofSeconds(30));
            }
            final FlowResult got = receiver.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            TlsEndpoints.unregister(serverName);
            serverEnd.close();
            assertTrue(sent.succeeded(), () -> String.valueOf(sent.error()));
            assertTrue(got.succeeded(), () -> String.valueOf(got.error()));
            assertEquals(sha256(data), got.result("sha256"));
            assertArrayEquals(data, Files.readAllBytes(received));
        }
    }

    @Test
    void smallWritesAreBatchedIntoFewRecordsAndNoneWaitsPastTheBound() throws Exception {
        final SSLContext client = TlsContexts.trusting(identity.certificate());
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final Socket out = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            final TlsConnection peer = TlsConnection.server(listener.accept(), identity.context());
            peer.socket().setSoTimeout(10_000);
            final CompletableFuture<Void> handshake = peers.run(peer::handshake);
            try (LinkedSocket socket = LinkedSocket.tls(node, TlsConnection.client(out, client, "localhost"),
                LinkedSocket.Options.DEFAULT.withBatchDelay(Duration.ofMillis(20)))) {
                final byte[] message = new byte[100];
                for (int i = 0; i < 1000; i++) {
                    message[0] = (byte) i;
                    socket.write(message, 0, message.length);
                }
                handshake.get(10, TimeUnit.SECONDS);
                // No flush: the last partial batch must leave by itself within the bound.
                final byte[] got = new byte[100_000];
                int filled = 0;
                while (filled < got.length) {
                    filled += peer.read(got, filled, got.length - filled);
                }
                for (int i = 0; i < 1000; i++) {
                    assertEquals((byte) i, got[i * 100], "message " + i + " in order");
                }
                assertTrue(socket.chunksHandedOver() <= 3, socket.chunksHandedOver() + " records for 1000 writes");
                final FlowResult result = socket.finish(Duration.ofSeconds(10));
                assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
                assertEquals(-1, peer.read(got, 0, 1), "close_notify ends the stream");
            } finally {
                peer.close();
            }
        }
    }

    @Test
    void theApplicationReadsOnlyAuthenticatedPlaintextThroughALinkedReceiver() throws Exception {
        final int port = TcpFlowTest.freePort();
        final byte[] data = random(700_000, 11);
        try (LinkedReceiver receiver = LinkedReceiver.aesGcm(node, port, new SecretKeySpec(KEY, "AES"), 64 * 1024)) {
            receiver.flow().running().toCompletableFuture().get(10, TimeUnit.SECONDS);
            final CompletableFuture<byte[]> read = peers.supply(() -> {
                try {
                    return receiver.stream().readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (LinkedSocket socket = LinkedSocket.aesGcm(node, "127.0.0.1", port, new SecretKeySpec(KEY, "AES"),
                LinkedSocket.Options.DEFAULT)) {
                socket.write(data, 0, data.length);
                assertTrue(socket.finish(Duration.ofSeconds(30)).succeeded());
            }
            assertArrayEquals(data, read.get(30, TimeUnit.SECONDS));
            assertTrue(receiver.flow().completion().toCompletableFuture().get(10, TimeUnit.SECONDS).succeeded());
        }
    }

    @Test
    void aTamperedRecordFailsTheReadAndNoByteOfItIsSeen() throws Exception {
        final int port = TcpFlowTest.freePort();
        final Path encrypted = dir.resolve("stream.enc");
        final byte[] data = random(100_000, 12);
        final Path plain = Files.write(dir.resolve("plain.bin"), data);
        final FlowResult made = node.run(Flows.from(Devices.file(plain)).via(Devices.aesGcmEncrypt("k"))
            .to(Devices.fileSink(encrypted)).key("k", KEY).build()).completion().toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        assertTrue(made.succeeded());
        final byte[] stream = Files.readAllBytes(encrypted);
        stream[stream.length / 2] ^= 1;
        try (LinkedReceiver receiver = LinkedReceiver.aesGcm(node, port, new SecretKeySpec(KEY, "AES"), 64 * 1024)) {
            receiver.flow().running().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try (Socket peer = new Socket(InetAddress.getLoopbackAddress(), port)) {
                peer.getOutputStream().write(stream);
                peer.shutdownOutput();
                final java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
                final java.io.IOException e = assertThrows(java.io.IOException.class, () -> {
                    final byte[] buffer = new byte[4096];
                    int n;
                    while ((n = receiver.stream().read(buffer)) >= 0) {
                        seen.write(buffer, 0, n);
                    }
                });
                assertTrue(e.getMessage().contains("the flow failed"), e.getMessage());
                assertTrue(seen.size() < data.length / 2, "only records before the tampered one: " + seen.size());
                assertArrayEquals(java.util.Arrays.copyOf(data, seen.size()), seen.toByteArray());
            }
        }
    }

    @Test
    void writingAfterTheFlowFailedSaysSo() throws Exception {
        final int port = TcpFlowTest.freePort();
        try (LinkedSocket socket = LinkedSocket.aesGcm(node, "127.0.0.1", port, new SecretKeySpec(KEY, "AES"),
            LinkedSocket.Options.DEFAULT)) {
            final FlowResult result = socket.flow().completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(result.error().getMessage().contains("127.0.0.1:" + port), result.error().getMessage());
            final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> socket.write(new byte[10], 0, 10));
            assertTrue(e.getMessage().contains("ended"), e.getMessage());
        }
    }

    private static byte[] random(int size, long seed) {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
