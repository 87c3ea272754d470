package io.flowswitch.cli.experiment;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;

/**
 * The far end of one experiment run: accepts one loopback connection, reads it to the end into one direct
 * buffer, and reports the byte count and when the last byte arrived. The same for every variant, so it
 * costs them all the same.
 */
final class DrainReceiver implements AutoCloseable {
    /** What arrived. */
    record Drained(long bytes, long endNs) {}

    private final ServerSocketChannel server;
    private final CompletableFuture<Drained> drained = new CompletableFuture<>();

    DrainReceiver() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        final Thread thread = new Thread(this::drain, "crypto-socket-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    CompletableFuture<Drained> drained() {
        return drained;
    }

    private void drain() {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        try (SocketChannel channel = server.accept()) {
            long bytes = 0;
            int n;
            while ((n = channel.read(buffer)) >= 0) {
                bytes += n;
                buffer.clear();
            }
            drained.complete(new Drained(bytes, System.nanoTime()));
        } catch (IOException e) {
            drained.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
