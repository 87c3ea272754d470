package io.flowswitch.devices.tcp;

import static io.flowswitch.devices.tcp.TcpTestSupport.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.file.FileReference;
import io.flowswitch.devices.testkit.ChunkLoops;
import io.flowswitch.devices.testkit.ChunkLoops.Drained;
import io.flowswitch.devices.tcp.TcpTestSupport.Peer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpDevicesTest {
    private static final int CHUNK = 4096;
    private static final String SINK_STAGE = "stage 4 (tcp-sink)";
    private static final String SOURCE_STAGE = "stage 1 (tcp-source)";

    private final TcpSinkKind sinkKind = new TcpSinkKind();
    private final TcpSourceKind sourceKind = new TcpSourceKind();
    private final FlowContext context = new FlowContext(3, CHUNK, Map.of());

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * 1024 * 1024 + 17})
    void sinkToListeningSourceOverLoopbackIsByteIdentical(int size) throws Exception {
        final byte[] input = ChunkLoops.randomBytes(size, size);
        try (TcpSource source = sourceKind.create(source("listen-port", "0"), context)) {
            assertTrue(source.isListening());
            try (Peer<Drained> reader = new Peer<>("tcp-source reader",
                () -> ChunkLoops.drain(source, new ChunkPool(CHUNK, 4)));
                TcpSink sink = sinkKind.create(sink("port", Integer.toString(source.boundPort())), context)) {
                ChunkLoops.feed(sink, new ChunkPool(CHUNK, 4), input, CHUNK);
                sink.finish();
                assertEquals(size, sink.bytesWritten());

                final Drained out = reader.join();
                assertEquals(FileReference.sha256Hex(input), FileReference.sha256Hex(out.bytes()));
                assertEquals((size + CHUNK - 1) / CHUNK, out.chunkLengths().size(), "only the last chunk is short");
                assertEquals(Long.toString(size), source.results().get("bytes"));
            }
        }
    }

    @Test
    void sinkSendsEverythingToAPlainServerSocket() throws Exception {
        final byte[] input = ChunkLoops.randomBytes(3 * 1024 * 1024 + 5, 11);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
            Peer<byte[]> peer = new Peer<>("plain server", () -> {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    return in.readAllBytes();
                }
            });
            TcpSink sink = sinkKind.create(sink("host", LOOPBACK, "port", Integer.toString(server.getLocalPort()),
                "connect-timeout-ms", "2000"), context)) {
            assertEquals(LOOPBACK + ":" + server.getLocalPort(), sink.endpoint());
            ChunkLoops.feed(sink, new ChunkPool(CHUNK, 4), input, CHUNK);
            sink.finish();
            assertEquals(FileReference.sha256Hex(input), FileReference.sha256Hex(peer.join()));
        }
    }

    @Test
    void listeningSourceReadsAPlainClient() throws Exception {
        final byte[] input = ChunkLoops.randomBytes(2 * 1024 * 1024 + 3, 12);
        try (TcpSource source = sourceKind.create(source("listen-port", "0", "bind-host", LOOPBACK), context);
            Peer<Void> peer = new Peer<>("plain client", () -> {
                try (Socket socket = new Socket(LOOPBACK, source.boundPort());
                    OutputStream out = socket.getOutputStream()) {
                    out.write(input);
                }
                return null;
            })) {
            final Drained out = ChunkLoops.drain(source, new ChunkPool(CHUNK, 4));
            peer.join();
            assertEquals(FileReference.sha256Hex(input), FileReference.sha256Hex(out.bytes()));
            assertTrue(source.endpoint().contains("accepted on " + LOOPBACK + ":" + source.boundPort()),
                source.endpoint());
        }
    }

    @Test
    void connectingSourceReadsAPlainServer() throws Exception {
        final byte[] input = ChunkLoops.randomBytes(CHUNK * 7 + 1, 13);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
            Peer<Void> peer = new Peer<>("plain server", () -> {
                try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                    out.write(input);
                }
                return null;
            });
            TcpSource source = sourceKind.create(source("port", Integer.toString(server.getLocalPort())), context)) {
            assertFalse(source.isListening());
            assertThrows(IllegalStateException.class, source::boundPort);
            final Drained out = ChunkLoops.drain(source, new ChunkPool(CHUNK, 4));
            peer.join();
            assertEquals(FileReference.sha256Hex(input), FileReference.sha256Hex(out.bytes()));
        }
    }

    @Test
    void refusedConnectionNamesHostAndPort() {
        final int port = TcpTestSupport.unusedPort();
        final DeviceException sinkError = assertThrows(DeviceException.class,
            () -> sinkKind.create(sink("port", Integer.toString(port)), context).close());
        assertEquals("CONNECT_REFUSED", sinkError.code());
        assertTrue(sinkError.getMessage().startsWith(SINK_STAGE + ": cannot connect to 127.0.0.1:" + port + ": "),
            sinkError.getMessage());
        assertTrue(sinkError.getMessage().contains("refused"), sinkError.getMessage());

        final DeviceException sourceError = assertThrows(DeviceException.class,
            () -> sourceKind.create(source("port", Integer.toString(port)), context).close());
        assertEquals("CONNECT_REFUSED", sourceError.code());
        assertTrue(sourceError.getMessage().startsWith(SOURCE_STAGE + ": cannot connect to 127.0.0.1:" + port),
            sourceError.getMessage());
    }

    @Test
    void peerClosingMidStreamFailsTheWriteWithPeerReset() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
            Peer<Integer> peer = new Peer<>("closing server", () -> {
                try (Socket socket = server.accept()) {
                    // Read a little, then close with data unread: the kernel answers further data with RST.
                    return socket.getInputStream().readNBytes(1000).length;
                }
            });
            TcpSink sink = sinkKind.create(sink("port", Integer.toString(server.getLocalPort())), context)) {
            final ChunkPool pool = new ChunkPool(CHUNK, 2);
            final Chunk chunk = pool.acquire();
            try {
                chunk.payload(Chunk.HEADROOM, CHUNK);
                sink.write(chunk);
                assertEquals(1000, peer.join());
                final DeviceException e = assertThrows(DeviceException.class, () -> {
                    // The first writes after the close may still be buffered; the reset arrives soon after.
                    for (int i = 0; i < 100_000; i++) {
                        sink.write(chunk);
                    }
                });
                // Linux says EPIPE or ECONNRESET (both PEER_RESET); other systems may word it otherwise.
                assertTrue(Set.of("PEER_RESET", "IO").contains(e.code()), e.code() + ": " + e.getMessage());
                assertTrue(e.getMessage().startsWith(SINK_STAGE + ": sending to 127.0.0.1:" + server.getLocalPort()
                    + " failed after "), e.getMessage());
            } finally {
                chunk.release();
            }
            sink.abort(null);
        }
    }

    @Test
    void abortedSinkResetsTheConnectionSoThePeerCannotMistakeItForAnEnd() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
            Peer<byte[]> peer = new Peer<>("reading server", () -> {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    return in.readAllBytes();
                }
            });
            TcpSink sink = sinkKind.create(sink("port", Integer.toString(server.getLocalPort())), context)) {
            ChunkLoops.feed(sink, new ChunkPool(CHUNK, 2), new byte[3 * CHUNK], CHUNK);
            sink.abort(new RuntimeException("upstream failed"));
            final IOException e = assertThrows(IOException.class, peer::join);
            assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
        }
    }

    @Test
    void peerResettingMidStreamFailsTheReadWithPeerReset() throws Exception {
        try (TcpSource source = sourceKind.create(source("listen-port", "0"), context);
            Peer<Void> peer = new Peer<>("resetting client", () -> {
                try (Socket socket = new Socket(LOOPBACK, source.boundPort())) {
                    socket.getOutputStream().write(new byte[1000]);
                    // Linger 0: close sends RST, an abortive end rather than end of stream.
                    socket.setSoLinger(true, 0);
                }
                return null;
            })) {
            final DeviceException e = assertThrows(DeviceException.class,
                () -> ChunkLoops.drain(source, new ChunkPool(CHUNK, 2)));
            peer.join();
            assertEquals("PEER_RESET", e.code(), e.getMessage());
            assertTrue(e.getMessage().startsWith(SOURCE_STAGE + ": receiving from 127.0.0.1:"), e.getMessage());
            assertTrue(e.getMessage().contains("accepted on 127.0.0.1:" + source.boundPort()), e.getMessage());
        }
    }

    @Test
    void nobodyConnectingIsATimeoutNamingTheAddress() {
        try (TcpSource source = sourceKind.create(source("listen-port", "0", "accept-timeout-ms", "200"), context)) {
            final DeviceException e = assertThrows(DeviceException.class,
                () -> source.read(Chunk.unpooled(CHUNK)));
            assertEquals("TIMEOUT", e.code());
            assertEquals(SOURCE_STAGE + ": no connection arrived on 127.0.0.1:" + source.boundPort()
                + " within 200 ms", e.getMessage());
        }
    }

    @Test
    void closeFromAnotherThreadEndsABlockedAccept() throws Exception {
        final TcpSource source = sourceKind.create(source("listen-port", "0"), context);
        try (Peer<Integer> blocked = new Peer<>("blocked reader", () -> source.read(Chunk.unpooled(CHUNK)))) {
            blocked.awaitInside("accept");
            source.close();
            final DeviceException e = assertThrows(DeviceException.class, blocked::join);
            assertEquals("IO", e.code());
            assertTrue(e.getMessage().contains("127.0.0.1:" + source.boundPort()), e.getMessage());
        } finally {
            source.close();
        }
    }

    @Test
    void portInUseIsBindFailedNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            final DeviceException e = assertThrows(DeviceException.class,
                () -> sourceKind.create(source("listen-port", Integer.toString(taken.getLocalPort())), context)
                    .close());
            assertEquals("BIND_FAILED", e.code());
            assertTrue(e.getMessage().startsWith(SOURCE_STAGE + ": cannot listen on 127.0.0.1:"
                + taken.getLocalPort() + ": "), e.getMessage());
        }
    }

    @Test
    void portOutOfRangeIsBadParameter() {
        for (String port : new String[] {"0", "65536", "-1"}) {
            final DeviceException e = assertThrows(DeviceException.class,
                () -> sinkKind.validate(sink("port", port), context));
            assertEquals("BAD_PARAMETER", e.code());
            assertEquals(SINK_STAGE + ": parameter 'port' must be between 1 and 65535, got " + port, e.getMessage());
        }
        final DeviceException listen = assertThrows(DeviceException.class,
            () -> sourceKind.validate(source("listen-port", "70000"), context));
        assertEquals("BAD_PARAMETER", listen.code());
        assertTrue(listen.getMessage().startsWith(SOURCE_STAGE + ": parameter 'listen-port' must be between 0"),
            listen.getMessage());
    }

    @Test
    void missingOrMixedParametersAreBadParameters() {
        assertBad(() -> sinkKind.validate(sink(), context), SINK_STAGE + ": parameter 'port' is required");
        assertBad(() -> sinkKind.validate(sink("port", "http"), context),
            SINK_STAGE + ": parameter 'port' must be a whole number, got 'http'");
        assertBad(() -> sinkKind.validate(sink("port", "80", "host", " "), context),
            SINK_STAGE + ": parameter 'host' must not be empty");
        assertBad(() -> sinkKind.validate(sink("port", "80", "connect-timeout-ms", "0"), context),
            SINK_STAGE + ": parameter 'connect-timeout-ms' must be between 1");
        assertBad(() -> sourceKind.validate(source(), context),
            SOURCE_STAGE + ": parameter 'port' is required (or give 'listen-port'");
        assertBad(() -> sourceKind.validate(source("listen-port", "0", "port", "80"), context),
            SOURCE_STAGE + ": parameter 'listen-port' cannot be combined with 'port'");
        assertBad(() -> sourceKind.validate(source("listen-port", "0", "host", "example.org"), context),
            SOURCE_STAGE + ": parameter 'host' is for opening a connection");
        assertBad(() -> sourceKind.validate(source("port", "80", "accept-timeout-ms", "5"), context),
            SOURCE_STAGE + ": parameter 'accept-timeout-ms' is for accepting a connection");
        assertBad(() -> sourceKind.validate(source("port", "80", "prot", "tcp"), context),
            SOURCE_STAGE + ": parameter 'prot' is not a parameter of this device");
    }

    @Test
    void validateOpensNothing() {
        // Nobody listens on this port: validate() must not notice, because it must not connect.
        sinkKind.validate(sink("port", Integer.toString(TcpTestSupport.unusedPort())), context);
        sourceKind.validate(source("port", Integer.toString(TcpTestSupport.unusedPort())), context);
        sinkKind.validate(sink("host", "no-such-host.invalid", "port", "9"), context);
    }

    @Test
    void unknownHostIsNamed() {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> sinkKind.create(sink("host", "no-such-host.invalid", "port", "9"), context).close());
        assertEquals("UNKNOWN_HOST", e.code());
        assertEquals(SINK_STAGE + ": cannot connect to no-such-host.invalid:9: unknown host", e.getMessage());
    }

    @Test
    void describeThemselves() {
        assertEquals("tcp-sink", sinkKind.name());
        assertEquals(DeviceRole.SINK, sinkKind.role());
        assertEquals("SINK", sinkKind.capabilities().getRole());
        assertEquals("tcp-source", sourceKind.name());
        assertEquals(DeviceRole.SOURCE, sourceKind.role());
        assertEquals("SOURCE", sourceKind.capabilities().getRole());
        assertTrue(sourceKind.capabilities().getStateful());
    }

    private static void assertBad(org.junit.jupiter.api.function.Executable call, String messageStart) {
        final DeviceException e = assertThrows(DeviceException.class, call);
        assertEquals("BAD_PARAMETER", e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    private static DeviceParams sink(String... keyValues) {
        return DeviceParams.of(SINK_STAGE, keyValues);
    }

    private static DeviceParams source(String... keyValues) {
        return DeviceParams.of(SOURCE_STAGE, keyValues);
    }
}
