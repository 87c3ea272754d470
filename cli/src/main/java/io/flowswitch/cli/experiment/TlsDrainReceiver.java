package io.flowswitch.cli.experiment;

import io.flowswitch.devices.tls.TlsConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * The far end of one TLS run: accepts one loopback connection as a TLS 1.3 server, reads it to the peer's
 * {@code close_notify} (authenticating and decrypting every record), and reports the plaintext byte count,
 * when the last byte arrived and, when asked, the plaintext's SHA-256. The same for every variant, so it
 * costs them all the same.
 */
final class TlsDrainReceiver implements AutoCloseable {
    /** What arrived: plaintext bytes, the time of the last one, and its digest (null unless asked for). */
    record Drained(long bytes, long endNs, String sha256) {}

    private final ServerSocket server;
    private final SSLContext context;
    private final MessageDigest digest;
    private final CompletableFuture<Drained> drained = new CompletableFuture<>();

    TlsDrainReceiver(SSLContext context, boolean digest) throws IOException {
        this.context = context;
        try {
            this.digest = digest ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        final Thread thread = new Thread(this::drain, "crypto-socket-tls-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    CompletableFuture<Drained> drained() {
        return drained;
    }

    private void drain() {
        final byte[] buffer = new byte[1 << 20];
        try (Socket socket = server.accept(); TlsConnection connection = TlsConnection.server(socket, context)) {
            long bytes = 0;
            int n;
            while ((n = connection.read(buffer, 0, buffer.length)) >= 0) {
                bytes += n;
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
            }
            drained.complete(new Drained(bytes, System.nanoTime(),
                digest == null ? null : HexFormat.of().formatHex(digest.digest())));
        } catch (IOException | RuntimeException e) {
            drained.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
