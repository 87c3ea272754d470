package io.flowswitch.javadsl;

import io.flowswitch.devices.link.AesGcmTcpSinkKind;
import io.flowswitch.devices.link.AppPipe;
import io.flowswitch.devices.link.PipeSourceKind;
import io.flowswitch.devices.link.SharedPage;
import io.flowswitch.devices.tls.TlsConnection;
import io.flowswitch.devices.tls.TlsEndpoints;
import io.flowswitch.devices.tls.TlsSinkKind;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.Transport;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.SecretKey;

/**
 * A crypto context linked to a socket: the application writes plaintext once (or lends a {@link SharedPage})
 * and a flow on the node encrypts and sends it. Two record layers: the project's AES-256-GCM stream format
 * ({@link #aesGcm}: {@code pipe-source -> aes-gcm-tcp-sink}, one stage that seals and sends, read back by any flowswitch receiver
 * with {@code aes-gcm-decrypt}), and TLS 1.3 ({@link #tls}: {@code pipe-source -> tls-sink}, read back by
 * any TLS peer).
 *
 * <pre>{@code
 * try (LinkedSocket socket = LinkedSocket.aesGcm(node, "10.0.0.2", 9000, key, LinkedSocket.Options.DEFAULT)) {
 *     socket.write(message, 0, message.length);    // one copy, then the flow's
 *     SharedPage page = socket.newPage();
 *     int n = page.readFrom(file, 0, page.capacity());
 *     socket.send(page, n);                         // no copy; page.put(...) now throws
 *     page.awaitReturn(1, TimeUnit.SECONDS);        // the flow is done with it
 *     FlowResult result = socket.finish(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>The flow is admitted and leased like any other; its {@link FlowResult} reports bytes, stage counters and
 * errors. If the flow fails, the next write throws. One application thread writes; not thread-safe.
 */
public final class LinkedSocket implements AutoCloseable {
    /**
     * The largest record (and page): the JDK's GCM is slower on calls above 256 KiB, and a larger staging
     * chunk leaves the cache before it is sealed. A larger write is several records.
     */
    public static final int MAX_RECORD_BYTES = 256 * 1024;

    /**
     * @param chunkBytes size of a record's plaintext and of a page, 1 KiB to {@link #MAX_RECORD_BYTES}
     * @param stagingChunks chunks the pipe copies writes into: how far the application may run ahead
     * @param batchDelay {@link Duration#ZERO}: every write its own record; otherwise small writes share a
     *     record, sent when full, on {@link #flush()}, or this long after its first byte
     * @param before stages the plaintext passes before the record layer (e.g. a modelled accelerator)
     */
    public record Options(int chunkBytes, int stagingChunks, Duration batchDelay, java.util.List<StageSpec> before) {
        public static final Options DEFAULT = new Options(64 * 1024, 8, Duration.ZERO, java.util.List.of());

        public Options {
            before = java.util.List.copyOf(before);
            if (chunkBytes < 1024 || chunkBytes > MAX_RECORD_BYTES || stagingChunks < 1 || batchDelay.isNegative()) {
                throw new IllegalArgumentException("bad linked socket options: chunk " + chunkBytes + " B, "
                    + stagingChunks + " staging chunks, batch delay " + batchDelay);
            }
        }

        public Options withChunkBytes(int value) {
            return new Options(value, stagingChunks, batchDelay, before);
        }

        public Options withStagingChunks(int value) {
            return new Options(chunkBytes, value, batchDelay, before);
        }

        public Options withBatchDelay(Duration value) {
            return new Options(chunkBytes, stagingChunks, value, before);
        }

        public Options withBefore(java.util.List<StageSpec> value) {
            return new Options(chunkBytes, stagingChunks, batchDelay, value);
        }
    }

    private static final String KEY_NAME = "link";

    private final AppPipe pipe;
    private final FlowHandle flow;
    private final String connectionName;

    private LinkedSocket(AppPipe pipe, FlowHandle flow, String connectionName) {
        this.pipe = pipe;
        this.flow = flow;
        this.connectionName = connectionName;
        flow.completion().whenComplete((result, error) -> {
            pipe.abort(error != null ? error.getMessage()
                : result.succeeded() ? "the flow finished" : String.valueOf(result.error().getMessage()));
            pipe.unregister();
            if (connectionName != null) {
                TlsEndpoints.unregister(connectionName);
            }
        });
    }

    /**
     * Connects to {@code host:port} and sends what the application writes as the AES-256-GCM stream format
     * (docs/encrypted-format.md) under {@code key}.
     */
    public static LinkedSocket aesGcm(FlowSwitch node, String host, int port, SecretKey key, Options options) {
        final AppPipe pipe = new AppPipe(options.chunkBytes(), options.stagingChunks(), options.batchDelay().toNanos());
        final Flows.Builder builder = Flows.from(StageSpec.of(PipeSourceKind.NAME, PipeSourceKind.PIPE, pipe.name()));
        options.before().forEach(builder::via);
        final FlowSpec spec = builder
            .to(StageSpec.of(AesGcmTcpSinkKind.NAME, "key", KEY_NAME, "host", host, "port", Integer.toString(port)))
            .key(KEY_NAME, key)
            .name("linked aes-gcm socket to " + host + ":" + port)
            .chunkBytes(options.chunkBytes())
            .transport(Transport.FUSED)
            .build();
        return new LinkedSocket(pipe, node.run(spec), null);
    }

    /**
     * Sends what the application writes as TLS 1.3 records on {@code connection} (client or server side,
     * handshake done or not), ending with {@code close_notify}. The connection is the flow's until it ends.
     */
    public static LinkedSocket tls(FlowSwitch node, TlsConnection connection, Options options) {
        final AppPipe pipe = new AppPipe(options.chunkBytes(), options.stagingChunks(), options.batchDelay().toNanos());
        final String name = TlsEndpoints.register(connection);
        final Flows.Builder builder = Flows.from(StageSpec.of(PipeSourceKind.NAME, PipeSourceKind.PIPE, pipe.name()));
        options.before().forEach(builder::via);
        final FlowSpec spec = builder
            .to(StageSpec.of(TlsSinkKind.NAME, TlsSinkKind.CONNECTION, name, TlsSinkKind.END, TlsSinkKind.CLOSE_NOTIFY))
            .name("linked tls socket to " + connection.peer())
            .chunkBytes(options.chunkBytes())
            .transport(Transport.FUSED)
            .build();
        return new LinkedSocket(pipe, node.run(spec), name);
    }

    /** Copies {@code length} bytes once into the flow's pipe; {@code source} is free again on return. */
    public void write(byte[] source, int offset, int length) {
        pipe.write(source, offset, length);
    }

    /** A page for {@link #send}, of the socket's chunk size. */
    public SharedPage newPage() {
        return new SharedPage(pipe.chunkBytes());
    }

    /** Lends {@code page}'s first {@code length} bytes to the flow, without a copy, until it comes back. */
    public void send(SharedPage page, int length) {
        pipe.send(page, length);
    }

    /** Sends a pending batch of small writes now. */
    public void flush() {
        pipe.flush();
    }

    /** Bytes copied on the way in (writes; pages add none). */
    public long copiedBytes() {
        return pipe.copiedBytes();
    }

    /** Chunks (records) handed to the flow. */
    public long chunksHandedOver() {
        return pipe.chunksHandedOver();
    }

    public FlowHandle flow() {
        return flow;
    }

    /**
     * Ends the stream and waits for the flow: every byte sent, the end record or {@code close_notify} too.
     *
     * @throws TimeoutException when the flow has not ended in time (it keeps running; {@link #close} cancels)
     */
    public FlowResult finish(Duration timeout) throws TimeoutException, InterruptedException {
        pipe.close();
        try {
            return flow.completion().toCompletableFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the linked socket's flow failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Cancels the flow unless it finished; the peer then sees a reset, not a complete stream. */
    @Override
    public void close() {
        if (!flow.completion().toCompletableFuture().isDone()) {
            flow.cancel("the linked socket was closed before finish()");
        }
        pipe.abort("the linked socket was closed");
    }
}
