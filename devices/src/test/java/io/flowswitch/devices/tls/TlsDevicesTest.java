package io.flowswitch.devices.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.file.FileReference;
import io.flowswitch.devices.testkit.ChunkLoops;
import io.flowswitch.devices.testkit.ChunkLoops.Drained;
import io.flowswitch.devices.testkit.TestThreads;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsDevicesTest {
    private static final int CHUNK = 64 * 1024;
    private static TlsContexts.Identity identity;
    private static SSLContext clientContext;

    private final FlowContext context = new FlowContext(7, CHUNK, Map.of());

    /** Blocking peers run on threads of their own, never on the common pool. */
    @RegisterExtension
    final TestThreads peers = new TestThreads("tls-peer");

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) {
        identity = TlsContexts.selfSigned(dir);
        clientContext = TlsContexts.trusting(identity.certificate());
        assertTrue(Files.exists(dir.resolve(TlsContexts.CERTIFICATE_FILE)));
    }

    /** A connected pair over loopback: [0] the client, [1] the server. */
    private static TlsConnection[] pair() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            final Socket accepted = server.accept();
            accepted.setSoTimeout(10_000);
            client.setSoTimeout(10_000);
            return new TlsConnection[] {TlsConnection.client(client, clientContext, "localhost"),
                TlsConnection.server(accepted, identity.context())};
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 16_383, 16_384, 16_385, CHUNK, 3 * 1024 * 1024 + 5})
    void sinkToSourceThroughTlsIsByteIdentical(int size) throws Exception {
        final byte[] input = ChunkLoops.randomBytes(size, size);
        final TlsConnection[] ends = pair();
        final String clientName = TlsEndpoints.register(ends[0]);
        final String serverName = TlsEndpoints.register(ends[1]);
        try (TlsSource source = new TlsSourceKind().create(DeviceParams.of("stage 1 (tls-source)", "connection",
            serverName), context)) {
            final CompletableFuture<Drained> received =
                peers.supply(() -> ChunkLoops.drain(source, new ChunkPool(CHUNK, 4)));
            try (TlsSink sink = new TlsSinkKind().create(DeviceParams.of("stage 2 (tls-sink)", "connection", clientName,
                "end", "close-notify"), context)) {
                ChunkLoops.feed(sink, new ChunkPool(CHUNK, 4), input, CHUNK);
                sink.finish();
                assertEquals(Long.toString(size), sink.results().get("bytes"));
            }
            final Drained out = received.get(20, TimeUnit.SECONDS);
            assertEquals(FileReference.sha256Hex(input), FileReference.sha256Hex(out.bytes()));
            assertEquals("TLSv1.3", ends[1].negotiated().split(" ")[0]);
        } finally {
            TlsEndpoints.unregister(clientName);
            TlsEndpoints.unregister(serverName);
            ends[0].close();
            ends[1].close();
        }
        assertEquals(0, TlsEndpoints.borrowed());
    }

    @Test
    void streamCutWithoutCloseNotifyIsTruncatedNotComplete() throws Exception {
        final TlsConnection[] ends = pair();
        final String serverName = TlsEndpoints.register(ends[1]);
        try (TlsSource source = new TlsSourceKind().create(DeviceParams.of("stage 1 (tls-source)", "connection",
            serverName), context)) {
            final CompletableFuture<Drained> received =
                peers.supply(() -> ChunkLoops.drain(source, new ChunkPool(CHUNK, 4)));
            final byte[] some = ChunkLoops.randomBytes(1000, 1);
            ends[0].write(some, 0, some.length);
            ends[0].socket().shutdownOutput();
            final Exception e = assertThrows(Exception.class, () -> received.get(20, TimeUnit.SECONDS));
            final DeviceException cause = (DeviceException) e.getCause();
            assertEquals("TRUNCATED", cause.code());
            assertTrue(cause.getMessage().startsWith("stage 1 (tls-source): "), cause.getMessage());
        } finally {
            TlsEndpoints.unregister(serverName);
            ends[0].close();
            ends[1].close();
        }
    }

    @Test
    void clientThatDoesNotTrustTheServerFailsTheHandshake(@TempDir Path other) throws Exception {
        final SSLContext stranger = TlsContexts.trusting(TlsContexts.selfSigned(other).certificate());
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            final Socket accepted = server.accept();
            accepted.setSoTimeout(10_000);
            try (TlsConnection client = TlsConnection.client(socket, stranger, "localhost");
                TlsConnection serverEnd = TlsConnection.server(accepted, identity.context())) {
                final CompletableFuture<Void> serverSide = peers.run(serverEnd::handshake);
                final DeviceException e = assertThrows(DeviceException.class, client::handshake);
                assertEquals("HANDSHAKE_FAILED", e.code());
                assertThrows(Exception.class, () -> serverSide.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void unknownConnectionNameIsRefusedAtCreate() {
        final DeviceException e = assertThrows(DeviceException.class, () -> new TlsSinkKind().create(
            DeviceParams.of("stage 2 (tls-sink)", "connection", "tls-nothing"), context));
        assertEquals("NO_CONNECTION", e.code());
        assertThrows(DeviceException.class, () -> new TlsSinkKind().validate(
            DeviceParams.of("stage 2 (tls-sink)", "connection", "x", "end", "later"), context));
    }

    @Test
    void oneConnectionIsWrittenByOneFlowAtATime() throws Exception {
        final TlsConnection[] ends = pair();
        final String name = TlsEndpoints.register(ends[0]);
        try (TlsSink first = new TlsSinkKind().create(DeviceParams.of("stage 2 (tls-sink)", "connection", name),
            context)) {
            final DeviceException e = assertThrows(DeviceException.class, () -> new TlsSinkKind().create(
                DeviceParams.of("stage 2 (tls-sink)", "connection", name), context));
            assertTrue(e.getMessage().contains("already written"), e.getMessage());
            first.finish();
        } finally {
            TlsEndpoints.unregister(name);
            ends[0].abort();
            ends[1].abort();
        }
    }
}
