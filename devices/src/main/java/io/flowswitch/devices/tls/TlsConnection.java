package io.flowswitch.devices.tls;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.internal.IoReasons;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * One TLS 1.3 connection: the JDK's {@link SSLEngine} as a record layer over one connected, blocking TCP
 * socket. It is the state a TLS device stage is pinned to: keys, sequence numbers and partial records live
 * here, so every byte of one direction must pass through the same instance, in order.
 *
 * <p>Buffers: plaintext is wrapped straight from the caller's array into one reusable heap buffer that holds
 * up to {@value #RECORDS_PER_WRITE} records, so a 64 KiB chunk leaves in one socket write; ciphertext is
 * read into one reusable buffer and decrypted straight into the caller's array when it has room for a whole
 * record. Nothing is allocated per call after the first (the array views are cached by identity).
 *
 * <p>Ownership: the connection owns its socket and its engine; {@link #write} and {@link #read} borrow the
 * caller's array for the call only. Thread-safety: one writer thread and one reader thread at a time (each
 * direction is called by one stage or one handler); {@link #abort()} may be called from any thread and ends
 * a blocked call with an {@code IO} or {@code PEER_RESET} error.
 */
public final class TlsConnection implements AutoCloseable {
    /** TLS records one socket write may carry: 4 x 16 KiB covers a 64 KiB chunk. */
    static final int RECORDS_PER_WRITE = 4;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Socket socket;
    private final SSLEngine engine;
    private final String peer;
    private final InputStream in;
    private final OutputStream out;
    private final ByteBuffer netOut;
    private ByteBuffer netIn;
    private final ByteBuffer appIn;
    private final ByteBuffer[] writeView = new ByteBuffer[1];
    private byte[] writeViewArray;
    private ByteBuffer readView;
    private byte[] readViewArray;
    private final Object writeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean handshaken;
    private boolean inboundDone;
    // Volatile: a watchdog on another thread reads them to see whether a transfer still moves.
    private volatile long plaintextOut;
    private volatile long plaintextIn;
    private long recordsOut;

    private TlsConnection(Socket socket, SSLEngine engine) throws IOException {
        this.socket = socket;
        this.engine = engine;
        this.peer = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        final int packet = engine.getSession().getPacketBufferSize();
        this.netOut = ByteBuffer.allocate(packet * RECORDS_PER_WRITE);
        this.netIn = ByteBuffer.allocate(packet * 2);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.appIn.flip();
    }

    /**
     * The server side of an accepted socket. TLS 1.3 only. The handshake runs at the first read or write,
     * or in {@link #handshake()}. The connection owns {@code socket} from now on.
     */
    public static TlsConnection server(Socket socket, SSLContext context) {
        final SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return create(socket, engine);
    }

    /**
     * The client side of a connected socket, checking the server's certificate against {@code context}'s
     * trust and {@code serverName} (host name verification as HTTPS does it). The connection owns {@code
     * socket} from now on.
     */
    public static TlsConnection client(Socket socket, SSLContext context, String serverName) {
        final SSLEngine engine = context.createSSLEngine(serverName, socket.getPort());
        engine.setUseClientMode(true);
        final javax.net.ssl.SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return create(socket, engine);
    }

    private static TlsConnection create(Socket socket, SSLEngine engine) {
        engine.setEnabledProtocols(new String[] {"TLSv1.3"});
        try {
            // Records are written whole; Nagle would hold back the last one of each burst.
            socket.setTcpNoDelay(true);
            return new TlsConnection(socket, engine);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new DeviceException(TlsErrors.IO, "tls: cannot use the socket: " + IoReasons.of(e), e);
        }
    }

    /** {@code address:port} of the peer. */
    public String peer() {
        return peer;
    }

    /** The socket, for options such as its read timeout; the connection still owns it. */
    public Socket socket() {
        return socket;
    }

    public long plaintextBytesOut() {
        return plaintextOut;
    }

    public long plaintextBytesIn() {
        return plaintextIn;
    }

    /** TLS records sent so far (application data only). */
    public long recordsOut() {
        return recordsOut;
    }

    /** The negotiated protocol and cipher suite, e.g. {@code TLSv1.3 TLS_AES_256_GCM_SHA384}. */
    public String negotiated() {
        return engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite();
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * Runs the handshake if it has not run. Blocks (bounded by the socket's read timeout, if set).
     *
     * @throws DeviceException {@code HANDSHAKE_FAILED} (the peer's certificate, protocol or alert),
     *     {@code TIMEOUT}, {@code PEER_RESET} or {@code IO}
     */
    public void handshake() {
        if (handshaken) {
            return;
        }
        synchronized (writeLock) {
            if (handshaken) {
                return;
            }
            try {
                engine.beginHandshake();
                SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
                while (status != SSLEngineResult.HandshakeStatus.FINISHED
                    && status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                    switch (status) {
                        case NEED_WRAP -> {
                            final SSLEngineResult result = engine.wrap(EMPTY, netOut);
                            flushNetOut();
                            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                                throw new SSLException("the engine closed during the handshake");
                            }
                            status = result.getHandshakeStatus();
                        }
                        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                            netIn.flip();
                            final SSLEngineResult result = engine.unwrap(netIn, appIn.compact());
                            appIn.flip();
                            netIn.compact();
                            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                                if (!fillNetIn()) {
                                    throw new EOFException("the peer closed the connection during the handshake");
                                }
                            } else if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                                throw new SSLException("the peer closed the connection during the handshake");
                            }
                            status = result.getHandshakeStatus();
                        }
                        case NEED_TASK -> {
                            runTasks();
                            status = engine.getHandshakeStatus();
                        }
                        default -> throw new IllegalStateException("handshake status " + status);
                    }
                }
                handshaken = true;
            } catch (SSLException e) {
                abort();
                throw new DeviceException(TlsErrors.HANDSHAKE_FAILED,
                    "tls: handshake with " + peer + " failed: " + reason(e), e);
            } catch (IOException e) {
                abort();
                throw ioError("the handshake with", e);
            }
        }
    }

    /**
     * Encrypts {@code length} bytes of {@code array} from {@code offset} into TLS records and sends them,
     * blocking until the socket took them all. The caller owns the array before and after.
     *
     * @throws DeviceException {@code PEER_RESET}, {@code IO}, {@code CLOSED}
     */
    public void write(byte[] array, int offset, int length) {
        handshake();
        synchronized (writeLock) {
            requireOpen("write");
            final ByteBuffer source = writeView(array, offset, length);
            try {
                while (source.hasRemaining()) {
                    final SSLEngineResult result = engine.wrap(writeView, 0, 1, netOut);
                    switch (result.getStatus()) {
                        case OK -> {
                            if (result.bytesProduced() > 0) {
                                recordsOut++;
                            }
                            plaintextOut += result.bytesConsumed();
                        }
                        case BUFFER_OVERFLOW -> flushNetOut();
                        case CLOSED -> throw new DeviceException(TlsErrors.CLOSED,
                            "tls: cannot send to " + peer + ": the connection was closed");
                        default -> throw new IllegalStateException("wrap status " + result.getStatus());
                    }
                    if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                }
                flushNetOut();
            } catch (SSLException e) {
                abort();
                throw new DeviceException(TlsErrors.IO, "tls: cannot encrypt for " + peer + ": " + reason(e), e);
            } catch (IOException e) {
                abort();
                throw ioError("sending to", e);
            }
        }
    }

    /**
     * Receives, authenticates and decrypts at least one byte into {@code array} from {@code offset}, at most
     * {@code length}; blocks until a whole record arrived. No byte reaches the array before its record's tag
     * checked out. The caller owns the array before and after.
     *
     * @return bytes decrypted, or -1 when the peer closed the connection cleanly ({@code close_notify})
     * @throws DeviceException {@code TRUNCATED} (the connection ended without {@code close_notify}: the data
     *     may be incomplete), {@code AUTH_FAILED} (a record failed authentication), {@code TIMEOUT},
     *     {@code PEER_RESET}, {@code IO}
     */
    public int read(byte[] array, int offset, int length) {
        handshake();
        if (length == 0) {
            return 0;
        }
        if (appIn.hasRemaining()) {
            return drainAppIn(array, offset, length);
        }
        if (inboundDone) {
            return -1;
        }
        final boolean direct = length >= appIn.capacity();
        final ByteBuffer target = direct ? readView(array, offset, length) : appIn.compact();
        try {
            while (true) {
                netIn.flip();
                final SSLEngineResult result = engine.unwrap(netIn, target);
                netIn.compact();
                switch (result.getStatus()) {
                    case OK -> {
                        final SSLEngineResult.HandshakeStatus status = result.getHandshakeStatus();
                        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                            runTasks();
                        } else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                            // A key update asks for our answer; the writer's lock keeps records in order.
                            synchronized (writeLock) {
                                engine.wrap(EMPTY, netOut);
                                flushNetOut();
                            }
                        }
                        if (result.bytesProduced() > 0) {
                            plaintextIn += result.bytesProduced();
                            if (direct) {
                                return result.bytesProduced();
                            }
                            appIn.flip();
                            return drainAppIn(array, offset, length);
                        }
                    }
                    case BUFFER_UNDERFLOW -> {
                        if (!fillNetIn()) {
                            inboundDone = true;
                            if (!direct) {
                                appIn.flip();
                            }
                            throw new DeviceException(TlsErrors.TRUNCATED, "tls: " + peer
                                + " ended the connection without close_notify after " + plaintextIn
                                + " bytes: the data may be incomplete");
                        }
                    }
                    case CLOSED -> {
                        inboundDone = true;
                        if (!direct) {
                            appIn.flip();
                        }
                        return -1;
                    }
                    case BUFFER_OVERFLOW -> throw new IllegalStateException(
                        "tls: a record does not fit " + target.remaining() + " bytes");
                    default -> throw new IllegalStateException("unwrap status " + result.getStatus());
                }
            }
        } catch (SSLException e) {
            abort();
            throw new DeviceException(TlsErrors.AUTH_FAILED,
                "tls: a record from " + peer + " failed: " + reason(e), e);
        } catch (IOException e) {
            abort();
            throw ioError("receiving from", e);
        }
    }

    /**
     * Ends our direction cleanly: sends {@code close_notify} so the peer knows the data is complete. The
     * connection stays readable. Runs the handshake first if no byte was sent yet: an empty stream is still a
     * stream the peer must be able to tell from a cut one.
     */
    public void closeOutbound() {
        handshake();
        synchronized (writeLock) {
            if (closed.get()) {
                return;
            }
            engine.closeOutbound();
            try {
                while (!engine.isOutboundDone()) {
                    final SSLEngineResult result = engine.wrap(EMPTY, netOut);
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        flushNetOut();
                    } else if (result.bytesProduced() == 0) {
                        break;
                    }
                }
                flushNetOut();
                socket.shutdownOutput();
            } catch (IOException e) {
                abort();
                throw ioError("closing the stream to", e);
            }
        }
    }

    /** Resets the connection (no {@code close_notify}): the peer must not take what it got as complete. */
    public void abort() {
        if (closed.compareAndSet(false, true)) {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException | RuntimeException e) {
                // Already broken: the peer sees an error anyway.
            }
            closeQuietly(socket);
        }
    }

    /** Sends {@code close_notify} when the handshake ran, then closes the socket. Idempotent. */
    @Override
    public void close() {
        if (closed.get()) {
            return;
        }
        try {
            if (handshaken) {
                closeOutbound();
            }
        } catch (RuntimeException e) {
            // The peer is gone; closing is all that is left.
        }
        if (closed.compareAndSet(false, true)) {
            closeQuietly(socket);
        }
    }

    private int drainAppIn(byte[] array, int offset, int length) {
        final int n = Math.min(length, appIn.remaining());
        appIn.get(array, offset, n);
        return n;
    }

    private ByteBuffer writeView(byte[] array, int offset, int length) {
        if (array != writeViewArray) {
            writeViewArray = array;
            writeView[0] = ByteBuffer.wrap(array);
        }
        final ByteBuffer view = writeView[0];
        view.limit(offset + length).position(offset);
        return view;
    }

    private ByteBuffer readView(byte[] array, int offset, int length) {
        if (array != readViewArray) {
            readViewArray = array;
            readView = ByteBuffer.wrap(array);
        }
        readView.limit(offset + length).position(offset);
        return readView;
    }

    private void flushNetOut() throws IOException {
        netOut.flip();
        if (netOut.hasRemaining()) {
            out.write(netOut.array(), netOut.arrayOffset() + netOut.position(), netOut.remaining());
        }
        netOut.clear();
    }

    /** Reads more ciphertext; false at the end of the stream. Grows the buffer for an oversized record. */
    private boolean fillNetIn() throws IOException {
        if (!netIn.hasRemaining()) {
            final ByteBuffer larger = ByteBuffer.allocate(netIn.capacity() * 2);
            netIn.flip();
            larger.put(netIn);
            netIn = larger;
        }
        final int n = in.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (n < 0) {
            return false;
        }
        netIn.position(netIn.position() + n);
        return true;
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private void requireOpen(String call) {
        if (closed.get()) {
            throw new DeviceException(TlsErrors.CLOSED, "tls: cannot " + call + " on the connection to " + peer
                + ": it was closed");
        }
    }

    private DeviceException ioError(String doing, IOException e) {
        if (e instanceof SocketTimeoutException) {
            return new DeviceException(TlsErrors.TIMEOUT, "tls: " + doing + " " + peer + " timed out", e);
        }
        final String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        final boolean gone = e instanceof EOFException || message.contains("connection reset")
            || message.contains("broken pipe") || message.contains("socket closed")
            || message.contains("connection was aborted");
        return new DeviceException(gone ? TlsErrors.PEER_RESET : TlsErrors.IO, "tls: " + doing + " " + peer
            + " failed after " + plaintextOut + " bytes out, " + plaintextIn + " in: " + IoReasons.of(e), e);
    }

    private static String reason(SSLException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // The last thing done with the socket; the error already reported says why.
        }
    }

    @Override
    public String toString() {
        return "TlsConnection{" + peer + ", out " + plaintextOut + " B, in " + plaintextIn + " B"
            + (closed.get() ? ", closed" : "") + "}";
    }
}
