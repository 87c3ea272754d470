package io.flowswitch.devices.tcp;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.internal.ArrayViews;
import io.flowswitch.devices.internal.IoReasons;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;

/**
 * A {@code tcp-source} instance: reads one TCP connection (blocking NIO) into chunks until the peer ends
 * the stream.
 *
 * <p>Chunking: {@link #read} blocks until the chunk is full ({@code min(chunk.payloadCapacity(), flow
 * chunk size)} bytes) or the stream ends, so a stream becomes as few chunks as possible and only the last
 * is short. The price is latency for a peer that sends a little and then waits: its bytes stay in the
 * chunk until more arrive or it closes. That suits data flows, not request-response protocols.
 *
 * <p>Blocking: accept and reads block, so the stage that calls this device runs on the blocking-I/O
 * dispatcher, never on a shared one. {@link #close()} may be called from another thread to end a blocked
 * accept or read; that call then fails with {@code IO}.
 *
 * <p>Ownership: {@link #read} writes into a chunk the caller owns and keeps no reference to its payload
 * (only a reusable view of its array, see {@link ArrayViews}). The device owns its sockets. Called by one
 * stage thread at a time.
 */
public final class TcpSource implements SourceDevice {
    private final String stage;
    private final ServerSocketChannel server;
    private final int boundPort;
    private final long acceptTimeoutMs;
    private final int chunkBytes;
    private final ArrayViews views = new ArrayViews();
    private volatile SocketChannel channel;
    private String where;
    private long bytesRead;
    private boolean ended;
    private volatile boolean closed;

    private TcpSource(String stage, ServerSocketChannel server, int boundPort, long acceptTimeoutMs,
        int chunkBytes, SocketChannel channel, String where) {
        this.stage = stage;
        this.server = server;
        this.boundPort = boundPort;
        this.acceptTimeoutMs = acceptTimeoutMs;
        this.chunkBytes = chunkBytes;
        this.channel = channel;
        this.where = where;
    }

    static TcpSource connected(String stage, String host, int port, int chunkBytes, SocketChannel channel) {
        return new TcpSource(stage, null, -1, 0, chunkBytes, channel, TcpSupport.endpoint(host, port));
    }

    static TcpSource listening(String stage, String bindHost, ServerSocketChannel server, long acceptTimeoutMs,
        int chunkBytes) throws IOException {
        final int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        return new TcpSource(stage, server, port, acceptTimeoutMs, chunkBytes, null,
            TcpSupport.endpoint(bindHost, port));
    }

    /** Whether this source accepts its connection (rather than opening it). */
    public boolean isListening() {
        return server != null;
    }

    /**
     * The local port a listening source is bound to; with {@code listen-port = 0} this is the port the
     * system picked, which the peer must be told.
     *
     * @throws IllegalStateException for a source that opened its connection
     */
    public int boundPort() {
        if (server == null) {
            throw new IllegalStateException(stage + ": not listening; this source connected to " + where);
        }
        return boundPort;
    }

    /** The peer (or, before a listening source accepted, where it listens), for messages. */
    public String endpoint() {
        return where;
    }

    public long bytesRead() {
        return bytesRead;
    }

    /**
     * Fills the chunk's payload from the socket at {@link Chunk#HEADROOM}; a listening source first accepts
     * its one connection. The caller owns the chunk before and after and sets its header; only the payload
     * range (and with it the header's payload length) is set here.
     *
     * @return bytes read (the chunk is full unless the stream ended), or -1 once the stream has ended
     * @throws DeviceException {@code TIMEOUT} when nobody connected in time, {@code PEER_RESET} when the
     *     peer reset the connection, {@code IO} otherwise
     */
    @Override
    public int read(Chunk chunk) {
        if (closed) {
            throw new IllegalStateException(stage + ": read() after close()");
        }
        if (ended) {
            return -1;
        }
        if (channel == null) {
            accept();
        }
        final int maxBytes = Math.min(chunk.payloadCapacity(), chunkBytes);
        final ByteBuffer view = views.view(chunk.array(), Chunk.HEADROOM, Chunk.HEADROOM + maxBytes);
        try {
            while (view.hasRemaining()) {
                final int n = channel.read(view);
                if (n < 0) {
                    ended = true;
                    break;
                }
                if (n == 0) {
                    // Not expected in blocking mode; return what we have rather than spin.
                    break;
                }
                bytesRead += n;
            }
        } catch (IOException e) {
            throw TcpSupport.streamError(stage, "receiving from", where, bytesRead, e);
        }
        final int filled = view.position() - Chunk.HEADROOM;
        if (filled == 0 && ended) {
            return -1;
        }
        chunk.payload(Chunk.HEADROOM, filled);
        return filled;
    }

    /** {@code bytes}: bytes received; {@code peer}: {@code host:port}. */
    @Override
    public Map<String, String> results() {
        return Map.of("bytes", Long.toString(bytesRead), "peer", where);
    }

    /** Closes the connection and the listening socket. May be called from any thread. Idempotent. */
    @Override
    public void close() {
        closed = true;
        TcpSupport.closeQuietly(server);
        TcpSupport.closeQuietly(channel);
    }

    private void accept() {
        if (!server.isOpen()) {
            throw new IllegalStateException(stage + ": no connection: accepting on " + where + " already failed");
        }
        final String listening = where;
        try {
            // The adaptor's accept is the JDK's blocking accept with a timeout (SO_TIMEOUT).
            server.socket().setSoTimeout((int) acceptTimeoutMs);
            final SocketChannel accepted = server.socket().accept().getChannel();
            channel = accepted;
            where = TcpSupport.endpoint((InetSocketAddress) accepted.getRemoteAddress()) + " (accepted on "
                + listening + ")";
        } catch (SocketTimeoutException e) {
            throw new DeviceException(TcpSupport.TIMEOUT,
                stage + ": no connection arrived on " + listening + " within " + acceptTimeoutMs + " ms", e);
        } catch (IOException e) {
            throw new DeviceException(TcpSupport.IO,
                stage + ": cannot accept a connection on " + listening + ": " + IoReasons.of(e), e);
        } finally {
            // One connection per source: later peers are refused rather than left waiting in the backlog.
            TcpSupport.closeQuietly(server);
        }
        if (closed) {
            // close() ran while accept() was returning: do not keep a socket nobody will close.
            TcpSupport.closeQuietly(channel);
        }
    }
}
