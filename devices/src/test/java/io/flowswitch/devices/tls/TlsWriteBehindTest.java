package io.flowswitch.devices.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.testkit.ChunkLoops;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A connection whose records a writer thread of their own sends, while the next ones are sealed. */
class TlsWriteBehindTest {
    private static TlsContexts.Identity identity;
    private static SSLContext clientContext;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) {
        identity = TlsContexts.selfSigned(dir);
        clientContext = TlsContexts.trusting(identity.certificate());
    }

    /** [0] the sending server side, [1] the reading client. */
    private static TlsConnection[] pair() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            final Socket accepted = server.accept();
            accepted.setSoTimeout(10_000);
            client.setSoTimeout(10_000);
            return new TlsConnection[] {TlsConnection.server(accepted, identity.context()),
                TlsConnection.client(client, clientContext, "localhost")};
        }
    }

    private static CompletableFuture<byte[]> readToEnd(TlsConnection reader) {
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        final Thread thread = new Thread(() -> {
            try {
                final ByteArrayOutputStream all = new ByteArrayOutputStream();
                final byte[] buffer = new byte[32 * 1024];
                int n;
                while ((n = reader.read(buffer, 0, buffer.length)) >= 0) {
                    all.write(buffer, 0, n);
                }
                result.complete(all.toByteArray());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "tls-write-behind-test-reader");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    @Test
    void writesOfEverySizeArriveInOrderByteIdenticalThenCloseNotify() throws Exception {
        final byte[] input = ChunkLoops.randomBytes(5 * 1024 * 1024 + 7, 11);
        final TlsConnection[] ends = pair();
        try (TlsConnection sender = ends[0]; TlsConnection reader = ends[1]) {
            final CompletableFuture<byte[]> received = readToEnd(reader);
            sender.writeBehind();
            int offset = 0;
            for (int size = 1; offset < input.length; size = size * 3 % 200_003 + 1) {
                final int n = Math.min(size, input.length - offset);
                sender.write(input, offset, n);
                offset += n;
            }
            sender.closeOutbound();
            final byte[] got = received.get(30, TimeUnit.SECONDS);
            assertEquals(input.length, got.length);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(input),
                MessageDigest.getInstance("SHA-256").digest(got));
            assertEquals(input.length, sender.plaintextBytesOut());
        }
    }

    @Test
    void flushReturnsOnceEverySealedRecordIsOnTheSocket() throws Exception {
        final byte[] input = ChunkLoops.randomBytes(300_000, 12);
        final TlsConnection[] ends = pair();
        try (TlsConnection sender = ends[0]; TlsConnection reader = ends[1]) {
            sender.writeBehind();
            final CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                sender.write(input, 0, input.length);
                sender.flush();
            }, task -> new Thread(task, "tls-write-behind-test-writer").start());
            // The reader takes exactly the bytes written, with no close after them: they were sent.
            final byte[] got = new byte[input.length];
            int filled = 0;
            while (filled < got.length) {
                filled += reader.read(got, filled, got.length - filled);
            }
            written.get(30, TimeUnit.SECONDS);
            assertArrayEquals(input, got);
        }
    }

    @Test
    void aPeerThatResetsFailsTheNextWritesAndNothingWaitsForever() throws Exception {
        final byte[] block = ChunkLoops.randomBytes(64 * 1024, 13);
        final TlsConnection[] ends = pair();
        try (TlsConnection sender = ends[0]; TlsConnection reader = ends[1]) {
            final CompletableFuture<Void> handshake = CompletableFuture.runAsync(reader::handshake,
                task -> new Thread(task, "tls-write-behind-test-handshake").start());
            sender.writeBehind();
            sender.write(block, 0, block.length);
            handshake.get(10, TimeUnit.SECONDS);
            final byte[] first = new byte[1024];
            assertTrue(reader.read(first, 0, first.length) > 0);
            reader.abort();
            final DeviceException error = assertThrows(DeviceException.class, () -> {
                for (int i = 0; i < 100_000; i++) {
                    sender.write(block, 0, block.length);
                }
                sender.flush();
            });
            assertTrue(error.code().equals(TlsErrors.PEER_RESET) || error.code().equals(TlsErrors.IO)
                || error.code().equals(TlsErrors.CLOSED), error::toString);
            assertTrue(!sender.isOpen(), "a failed write resets the connection");
        }
    }

    @Test
    void abortEndsAWriterThatWaitsForTheSocket() throws Exception {
        final byte[] block = ChunkLoops.randomBytes(64 * 1024, 14);
        final TlsConnection[] ends = pair();
        try (TlsConnection sender = ends[0]; TlsConnection reader = ends[1]) {
            final CompletableFuture<Void> handshake = CompletableFuture.runAsync(reader::handshake,
                task -> new Thread(task, "tls-write-behind-test-handshake").start());
            sender.writeBehind();
            // The reader reads nothing more: the socket fills, the writer blocks, then the sealer does.
            final CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                while (true) {
                    sender.write(block, 0, block.length);
                }
            }, task -> new Thread(task, "tls-write-behind-test-writer").start());
            handshake.get(10, TimeUnit.SECONDS);
            Thread.sleep(200);
            sender.abort();
            final Exception error = assertThrows(Exception.class, () -> writing.get(10, TimeUnit.SECONDS));
            assertTrue(error.getCause() instanceof DeviceException, error::toString);
        }
    }
}
