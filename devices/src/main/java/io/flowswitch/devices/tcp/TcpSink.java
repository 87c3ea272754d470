package io.flowswitch.devices.tcp;

import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.internal.ArrayViews;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;

/**
 * A {@code tcp-sink} instance: writes chunk payloads, in order and whole, to one connected TCP socket
 * (blocking NIO, {@code TCP_NODELAY} on).
 *
 * <p>Blocking: {@link #write} blocks while the peer does not read (that is TCP's back pressure), so the
 * stage that calls this device runs on the blocking-I/O dispatcher, never on a shared one. {@link #close()}
 * may be called from another thread to end a blocked write; the write then fails with {@code IO}.
 *
 * <p>End of data: {@link #finish()} shuts the output down (the peer reads end of stream) and closes;
 * {@link #abort} and {@link #close()} without {@code finish} reset the connection instead, so the peer
 * sees an error rather than an end of stream that would make a truncated stream look complete.
 * {@code finish} returns once the kernel has the bytes; only the peer's own protocol can confirm that it
 * received them.
 *
 * <p>Ownership: {@link #write} reads from a chunk the caller owns and keeps, and keeps no reference to its
 * payload (only a reusable view of its array, see {@link ArrayViews}). The device owns its socket. Called
 * by one stage thread at a time.
 */
public final class TcpSink implements SinkDevice {
    private enum State { OPEN, FINISHED, ABORTED }

    private final String stage;
    private final String where;
    private final SocketChannel channel;
    private final ArrayViews views = new ArrayViews();
    private long bytesWritten;
    private volatile State state = State.OPEN;

    TcpSink(String stage, String host, int port, SocketChannel channel) {
        this.stage = stage;
        this.where = TcpSupport.endpoint(host, port);
        this.channel = channel;
    }

    /** {@code host:port} of the peer, as configured. */
    public String endpoint() {
        return where;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Sends the whole payload. The caller owns the chunk before and after and releases it.
     *
     * @throws io.flowswitch.devices.DeviceException {@code PEER_RESET} when the peer closed or reset the
     *     connection, {@code IO} otherwise
     */
    @Override
    public void write(Chunk chunk) {
        requireOpen("write()");
        final ByteBuffer view = views.view(chunk.array(), chunk.payloadOffset(), chunk.payloadEnd());
        try {
            // A blocking write normally takes everything, but the contract allows less: loop.
            while (view.hasRemaining()) {
                bytesWritten += channel.write(view);
            }
        } catch (IOException e) {
            throw TcpSupport.streamError(stage, "sending to", where, bytesWritten, e);
        }
    }

    /** Ends the stream cleanly: shuts the output down so the peer reads end of stream, then closes. */
    @Override
    public void finish() {
        if (state == State.FINISHED) {
            return;
        }
        requireOpen("finish()");
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            abort(e);
            throw TcpSupport.streamError(stage, "ending the stream to", where, bytesWritten, e);
        }
        state = State.FINISHED;
        TcpSupport.closeQuietly(channel);
        views.clear();
    }

    /** Resets the connection, so the peer cannot take what it received for the complete stream. */
    @Override
    public void abort(Throwable cause) {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        try {
            // Linger 0: close() sends RST instead of FIN.
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException e) {
            // Already closed or broken: the peer sees an error or a reset anyway.
        }
        // Views are not cleared here: abort may run on another thread while a write uses them.
        TcpSupport.closeQuietly(channel);
    }

    /** Without a successful {@link #finish()} this is an {@link #abort}. May be called from any thread. */
    @Override
    public void close() {
        abort(null);
        TcpSupport.closeQuietly(channel);
    }

    /** {@code bytes}: bytes sent; {@code peer}: {@code host:port}. */
    @Override
    public Map<String, String> results() {
        return Map.of("bytes", Long.toString(bytesWritten), "peer", where);
    }

    private void requireOpen(String call) {
        final State now = state;
        if (now != State.OPEN) {
            throw new IllegalStateException(stage + ": " + call + " on a sink that is already "
                + (now == State.FINISHED ? "finished" : "aborted"));
        }
    }

    @Override
    public String toString() {
        return "TcpSink{" + stage + ", " + where + ", " + bytesWritten + " bytes, " + state + "}";
    }
}
