package io.flowswitch.cli.experiment;

import io.flowswitch.flow.compile.CompiledFlow;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The app-mediated baseline for TLS: the application copies each buffer to the crypto actor that owns the
 * connection's {@link SSLEngine} ({@link TlsCryptoActor}), asks it to encrypt, copies the records back into
 * its own buffer and writes them to the socket itself. The handshake runs first, on the application's
 * thread (set-up, not timed). Same JDK engine and record sizes as the linked TLS socket, so only the
 * architecture differs. Copies are counted where they happen. One application thread; not thread-safe.
 */
final class AppMediatedTlsSender implements AutoCloseable {
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_RECORD_PLAINTEXT = 16 * 1024;
    private static final AtomicLong NEXT_ID = new AtomicLong();

    private final ActorSystem<?> system;
    private final ActorRef<TlsCryptoActor.Command> crypto;
    private final SocketChannel socket;
    private final byte[] plaintext;
    private final ByteBuffer plaintextView;
    private final byte[] ciphertext;
    private final ByteBuffer ciphertextView;
    private long copiedBytes;

    /** Connects to {@code port} on loopback as a TLS 1.3 client trusting {@code client}, and handshakes. */
    AppMediatedTlsSender(ActorSystem<?> system, SSLContext client, int port, int bufferBytes) throws IOException {
        this.system = system;
        this.socket = SocketChannel.open();
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        final SSLEngine engine = client.createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {"TLSv1.3"});
        handshake(engine, socket);
        final int records = (bufferBytes + MAX_RECORD_PLAINTEXT - 1) / MAX_RECORD_PLAINTEXT + 1;
        final int recordsBytes = records * engine.getSession().getPacketBufferSize();
        this.plaintext = new byte[bufferBytes];
        this.plaintextView = ByteBuffer.wrap(plaintext);
        this.ciphertext = new byte[recordsBytes];
        this.ciphertextView = ByteBuffer.wrap(ciphertext);
        this.crypto = system.systemActorOf(TlsCryptoActor.create(engine, recordsBytes),
            "tls-crypto-" + NEXT_ID.incrementAndGet(), DispatcherSelector.fromConfig(CompiledFlow.DEVICE_DISPATCHER));
    }

    /** Encrypts {@code length} bytes of {@code buffer} through the actor and sends the records. */
    void write(byte[] buffer, int length) throws IOException {
        // Crossing one: the plaintext goes to the crypto context.
        System.arraycopy(buffer, 0, plaintext, 0, length);
        copiedBytes += length;
        plaintextView.limit(length).position(0);
        send(ask(replyTo -> new TlsCryptoActor.Wrap(plaintextView, replyTo)));
    }

    /** Ends the stream: {@code close_notify}, then FIN. */
    void finish() throws IOException {
        send(ask(TlsCryptoActor.Close::new));
        socket.shutdownOutput();
    }

    long copiedBytes() {
        return copiedBytes;
    }

    private void send(ByteBuffer records) throws IOException {
        // Crossing two: the records come back into the application's buffer, which it writes.
        final int length = records.remaining();
        records.get(ciphertext, 0, length);
        copiedBytes += length;
        ciphertextView.limit(length).position(0);
        while (ciphertextView.hasRemaining()) {
            socket.write(ciphertextView);
        }
    }

    private ByteBuffer ask(java.util.function.Function<ActorRef<TlsCryptoActor.Wrapped>, TlsCryptoActor.Command> request) {
        final TlsCryptoActor.Wrapped reply = AskPattern.<TlsCryptoActor.Command, TlsCryptoActor.Wrapped>ask(crypto,
            request::apply, ASK_TIMEOUT, system.scheduler()).toCompletableFuture().join();
        if (reply.error() != null) {
            throw reply.error();
        }
        return reply.records();
    }

    /** The client handshake over a blocking channel; what the server sends after it is never read. */
    private static void handshake(SSLEngine engine, SocketChannel channel) throws IOException {
        final ByteBuffer empty = ByteBuffer.allocate(0);
        final ByteBuffer netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteBuffer netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        final ByteBuffer appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.beginHandshake();
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        while (status != SSLEngineResult.HandshakeStatus.FINISHED
            && status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
            switch (status) {
                case NEED_WRAP -> {
                    netOut.clear();
                    final SSLEngineResult result = engine.wrap(empty, netOut);
                    netOut.flip();
                    while (netOut.hasRemaining()) {
                        channel.write(netOut);
                    }
                    status = result.getHandshakeStatus();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    netIn.flip();
                    final SSLEngineResult result = engine.unwrap(netIn, appIn);
                    netIn.compact();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        if (!netIn.hasRemaining()) {
                            netIn = ByteBuffer.allocate(netIn.capacity() * 2).put(netIn.flip());
                        }
                        if (channel.read(netIn) < 0) {
                            throw new EOFException("tls: the server closed the connection during the handshake");
                        }
                    } else if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new EOFException("tls: the server closed the connection during the handshake");
                    }
                    status = result.getHandshakeStatus();
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    status = engine.getHandshakeStatus();
                }
                default -> throw new IllegalStateException("tls: handshake status " + status);
            }
        }
    }

    @Override
    public void close() throws IOException {
        // Stops the actor if finish() did not; a second Close after it goes nowhere.
        crypto.tell(new TlsCryptoActor.Close(system.ignoreRef()));
        awaitPeerClose(socket.socket());
        socket.close();
    }

    /**
     * Reads (and drops) what the server sent until it closes, at most 10 s. Closing a socket with unread
     * bytes (the server's session tickets) sends a reset, and a reset makes the server drop what it has not
     * read yet: the end of the stream.
     */
    static void awaitPeerClose(java.net.Socket socket) {
        try {
            socket.setSoTimeout(10_000);
            final java.io.InputStream in = socket.getInputStream();
            final byte[] discard = new byte[4096];
            while (in.read(discard) >= 0) {
                // Nothing of it is needed.
            }
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
