package io.flowswitch.https;

import io.flowswitch.devices.tls.TlsConnection;
import io.flowswitch.javadsl.FlowSwitch;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTPS file server that only signals: it accepts connections, runs the TLS handshake, reads and checks
 * each request, and answers with a flow {@code file-region-source -> tls-sink} on the node; it never reads
 * a byte of a file itself. Files below the small-file threshold, and responses the node does not admit,
 * take the software path: the same two devices driven directly by the connection's thread, without a
 * flow.
 *
 * <p>HTTP/1.1 with keep-alive, {@code GET} and {@code HEAD}, {@code Content-Length}, one {@code Range}
 * (206, 416), 400/403/404/405/431/505. No byte outside the root is ever served (see {@link RequestPaths}).
 * A client that stops reading for {@code stallTimeout} or disconnects ends its response: the flow fails
 * or is cancelled, its lease and buffers go back, the connection is reset, the server keeps serving.
 *
 * <p>Threads: one accepting thread, one thread per connection (at most {@code maxConnections}; further
 * clients are refused at once), one watchdog. None of them is an actor's or a stream's. Thread-safe.
 */
public final class HttpsFileServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsFileServer.class);

    /**
     * What the server serves and how.
     *
     * @param root directory served
     * @param bindAddress address to listen on (loopback by default)
     * @param port 0 picks a free port ({@link #port()})
     * @param tls the server's key and certificate
     * @param smallFileBytes responses shorter than this take the software path
     * @param chunkBytes chunk size of the flows
     * @param idleTimeoutMs how long a connection may wait for (or in) a request head, and for a handshake
     * @param stallTimeoutMs how long a response may make no progress before it is cancelled
     * @param maxConnections connections served at once
     */
    public record Settings(Path root, InetAddress bindAddress, int port, SSLContext tls, long smallFileBytes,
        int chunkBytes, long idleTimeoutMs, long stallTimeoutMs, int maxConnections) {
        public static final long DEFAULT_SMALL_FILE_BYTES = 256 * 1024;
        public static final long DEFAULT_IDLE_TIMEOUT_MS = 30_000;
        public static final long DEFAULT_STALL_TIMEOUT_MS = 30_000;
        public static final int DEFAULT_MAX_CONNECTIONS = 64;

        public Settings {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(tls, "tls");
            if (port < 0 || port > 65_535 || smallFileBytes < 0 || idleTimeoutMs <= 0 || stallTimeoutMs <= 0
                || maxConnections < 1) {
                throw new IllegalArgumentException("bad server settings: " + port + ", " + smallFileBytes + ", "
                    + idleTimeoutMs + ", " + stallTimeoutMs + ", " + maxConnections);
            }
        }

        /** Defaults for everything but what must be given. */
        public static Settings of(Path root, int port, SSLContext tls) {
            return new Settings(root, InetAddress.getLoopbackAddress(), port, tls, DEFAULT_SMALL_FILE_BYTES,
                64 * 1024, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_STALL_TIMEOUT_MS, DEFAULT_MAX_CONNECTIONS);
        }

        public Settings withSmallFileBytes(long value) {
            return new Settings(root, bindAddress, port, tls, value, chunkBytes, idleTimeoutMs, stallTimeoutMs,
                maxConnections);
        }

        public Settings withTimeouts(long idleMs, long stallMs) {
            return new Settings(root, bindAddress, port, tls, smallFileBytes, chunkBytes, idleMs, stallMs,
                maxConnections);
        }

        public Settings withBindAddress(InetAddress value) {
            return new Settings(root, value, port, tls, smallFileBytes, chunkBytes, idleTimeoutMs, stallTimeoutMs,
                maxConnections);
        }

        public Settings withMaxConnections(int value) {
            return new Settings(root, bindAddress, port, tls, smallFileBytes, chunkBytes, idleTimeoutMs,
                stallTimeoutMs, value);
        }
    }

    /** Counters since start, for tests, logs and the command's summary. Thread-safe. */
    public static final class Counters {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong finished = new AtomicLong();
        final AtomicLong flowResponses = new AtomicLong();
        final AtomicLong softwareResponses = new AtomicLong();
        final AtomicLong refusedByNode = new AtomicLong();
        final AtomicLong cutResponses = new AtomicLong();
        final AtomicLong bodyBytes = new AtomicLong();
        final AtomicInteger activeFlows = new AtomicInteger();
        final AtomicInteger activeConnections = new AtomicInteger();
        final AtomicLong refusedConnections = new AtomicLong();
        /** Told when the last connection closes: {@link #awaitNoConnections} waits on it. */
        private final Object connectionsClosed = new Object();
        private volatile long finishedTarget = Long.MAX_VALUE;
        private volatile Runnable onFinishedTarget = () -> { };

        /**
         * Runs {@code action} once {@code count} responses have ended (at once when they have already), on the
         * thread that ended the last of them; it must not block. One action at a time: a later call replaces it.
         */
        public void onFinished(long count, Runnable action) {
            onFinishedTarget = action;
            finishedTarget = count;
            if (finished.get() >= count) {
                action.run();
            }
        }

        /**
         * Waits until no connection is open, at most {@code timeoutNs}.
         *
         * @return whether none is
         */
        public boolean awaitNoConnections(long timeoutNs) throws InterruptedException {
            final long deadlineNs = System.nanoTime() + timeoutNs;
            synchronized (connectionsClosed) {
                while (activeConnections.get() > 0) {
                    final long leftNs = deadlineNs - System.nanoTime();
                    if (leftNs <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(connectionsClosed, leftNs);
                }
            }
            return true;
        }

        void responseEnded() {
            if (finished.incrementAndGet() == finishedTarget) {
                onFinishedTarget.run();
            }
        }

        void connectionClosed() {
            if (activeConnections.decrementAndGet() == 0) {
                synchronized (connectionsClosed) {
                    connectionsClosed.notifyAll();
                }
            }
        }

        public long requests() {
            return requests.get();
        }

        /** Requests whose response ended, completely or cut short. */
        public long finished() {
            return finished.get();
        }

        /** Responses whose body a flow carried. */
        public long flowResponses() {
            return flowResponses.get();
        }

        /** Responses whose body the software path carried (small files, or not admitted). */
        public long softwareResponses() {
            return softwareResponses.get();
        }

        /** Flows the node refused (admission), served on the software path instead. */
        public long refusedByNode() {
            return refusedByNode.get();
        }

        /** Responses that ended before their last byte: the client left or stalled. */
        public long cutResponses() {
            return cutResponses.get();
        }

        /** Body bytes handed to TLS in full responses and partial ones alike. */
        public long bodyBytes() {
            return bodyBytes.get();
        }

        public int activeFlows() {
            return activeFlows.get();
        }

        public int activeConnections() {
            return activeConnections.get();
        }

        public long refusedConnections() {
            return refusedConnections.get();
        }
    }

    private final FlowSwitch node;
    private final Settings settings;
    private final RequestPaths paths;
    private final ServerSocket listener;
    private final ThreadPoolExecutor connections;
    private final ScheduledExecutorService watchdog;
    private final Thread acceptor;
    private final Counters counters = new Counters();
    private final Set<TlsConnection> open = ConcurrentHashMap.newKeySet();
    private final Set<Transfer> transfers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private HttpsFileServer(FlowSwitch node, Settings settings, RequestPaths paths, ServerSocket listener) {
        this.node = node;
        this.settings = settings;
        this.paths = paths;
        this.listener = listener;
        final AtomicInteger threadNumber = new AtomicInteger();
        this.connections = new ThreadPoolExecutor(0, settings.maxConnections(), 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), task -> daemon(task, "flowswitch-https-" + threadNumber.incrementAndGet()));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "flowswitch-https-watchdog"));
        final long periodMs = Math.max(10, settings.stallTimeoutMs() / 4);
        watchdog.scheduleWithFixedDelay(this::cancelStalled, periodMs, periodMs, TimeUnit.MILLISECONDS);
        this.acceptor = daemon(this::acceptLoop, "flowswitch-https-accept");
    }

    /**
     * Binds the port and starts serving; the node stays the caller's.
     *
     * @throws IOException when the root is not a directory or the port cannot be bound
     */
    public static HttpsFileServer start(FlowSwitch node, Settings settings) throws IOException {
        final RequestPaths paths = new RequestPaths(settings.root());
        final ServerSocket listener = new ServerSocket();
        try {
            listener.bind(new InetSocketAddress(settings.bindAddress(), settings.port()), 128);
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot listen on " + settings.bindAddress().getHostAddress() + ":"
                + settings.port() + ": " + e.getMessage(), e);
        }
        final HttpsFileServer server = new HttpsFileServer(node, settings, paths, listener);
        server.acceptor.start();
        return server;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The directory served, as a real path. */
    public Path root() {
        return paths.root();
    }

    public Counters counters() {
        return counters;
    }

    Settings settings() {
        return settings;
    }

    FlowSwitch node() {
        return node;
    }

    RequestPaths paths() {
        return paths;
    }

    /** Stops accepting, resets every open connection, and waits for the connection threads to end. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // Only stops accepting.
        }
        transfers.forEach(Transfer::cancel);
        open.forEach(TlsConnection::abort);
        connections.shutdown();
        watchdog.shutdownNow();
        try {
            acceptor.join(5_000);
            connections.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isClosed() {
        return closed;
    }

    void opened(TlsConnection connection) {
        open.add(connection);
        counters.activeConnections.incrementAndGet();
        if (closed) {
            connection.abort();
        }
    }

    void ended(TlsConnection connection) {
        if (open.remove(connection)) {
            counters.connectionClosed();
        }
    }

    /** A response in progress, which the watchdog cancels when its progress stops. */
    void watch(Transfer transfer) {
        transfers.add(transfer);
    }

    void unwatch(Transfer transfer) {
        transfers.remove(transfer);
    }

    private void acceptLoop() {
        while (!closed) {
            final Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("accepting on port {} failed: {}", port(), e.getMessage());
                }
                return;
            }
            try {
                connections.execute(new ConnectionHandler(this, socket));
            } catch (RejectedExecutionException e) {
                counters.refusedConnections.incrementAndGet();
                try {
                    socket.setSoLinger(true, 0);
                    socket.close();
                } catch (IOException | RuntimeException ignored) {
                    // The client sees a reset either way.
                }
            }
        }
    }

    private void cancelStalled() {
        final long now = System.nanoTime();
        for (Transfer transfer : transfers) {
            transfer.checkProgress(now, TimeUnit.MILLISECONDS.toNanos(settings.stallTimeoutMs()));
        }
    }

    private static Thread daemon(Runnable task, String name) {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
