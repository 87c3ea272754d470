package io.flowswitch.javadsl;

import io.flowswitch.devices.link.AppInbox;
import io.flowswitch.devices.link.PipeSinkKind;
import io.flowswitch.devices.tls.TlsConnection;
import io.flowswitch.devices.tls.TlsEndpoints;
import io.flowswitch.devices.tls.TlsSourceKind;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.Transport;
import java.io.InputStream;
import javax.crypto.SecretKey;

/**
 * The receiving end of a linked socket: a flow on the node receives, authenticates and decrypts, and the
 * application reads only plaintext that checked out, as a stream. The AES-GCM stream format ({@link #aesGcm}:
 * {@code tcp-source -> aes-gcm-decrypt -> pipe-sink}) or TLS 1.3 ({@link #tls}: {@code tls-source ->
 * pipe-sink}). A record that fails authentication fails the flow, and the next read throws with the reason;
 * no byte of that record is ever readable.
 *
 * <p>One application thread reads; not thread-safe. {@link #close()} stops reading (a flow still
 * delivering fails) and unregisters what was registered.
 */
public final class LinkedReceiver implements AutoCloseable {
    private static final String KEY_NAME = "link";
    private static final int INBOX_CHUNKS = 8;

    private final AppInbox inbox;
    private final FlowHandle flow;
    private final String connectionName;

    private LinkedReceiver(AppInbox inbox, FlowHandle flow, String connectionName) {
        this.inbox = inbox;
        this.flow = flow;
        this.connectionName = connectionName;
    }

    /**
     * Accepts one connection on {@code listenPort} of the loopback interface (bound while the flow is set up:
     * wait for {@link FlowHandle#running()} before the peer connects) and decrypts the AES-256-GCM stream
     * format under {@code key}.
     */
    public static LinkedReceiver aesGcm(FlowSwitch node, int listenPort, SecretKey key, int chunkBytes) {
        final AppInbox inbox = new AppInbox(chunkBytes, INBOX_CHUNKS);
        final FlowSpec spec = Flows.from(Devices.tcpListen(listenPort))
            .via(Devices.aesGcmDecrypt(KEY_NAME))
            .to(StageSpec.of(PipeSinkKind.NAME, PipeSinkKind.PIPE, inbox.name()))
            .key(KEY_NAME, key)
            .name("linked aes-gcm receiver on port " + listenPort)
            .chunkBytes(chunkBytes)
            .transport(Transport.FUSED)
            .build();
        return new LinkedReceiver(inbox, node.run(spec), null);
    }

    /** Reads {@code connection} (either side, handshake done or not) until the peer's {@code close_notify}. */
    public static LinkedReceiver tls(FlowSwitch node, TlsConnection connection, int chunkBytes) {
        final AppInbox inbox = new AppInbox(chunkBytes, INBOX_CHUNKS);
        final String name = TlsEndpoints.register(connection);
        final FlowSpec spec = Flows.from(StageSpec.of(TlsSourceKind.NAME, TlsSourceKind.CONNECTION, name))
            .to(StageSpec.of(PipeSinkKind.NAME, PipeSinkKind.PIPE, inbox.name()))
            .name("linked tls receiver from " + connection.peer())
            .chunkBytes(chunkBytes)
            .transport(Transport.FUSED)
            .build();
        return new LinkedReceiver(inbox, node.run(spec), name);
    }

    /** The plaintext, as it checked out; ends when the stream ends; throws when the flow failed. */
    public InputStream stream() {
        return inbox.stream();
    }

    public FlowHandle flow() {
        return flow;
    }

    @Override
    public void close() {
        inbox.close();
        if (!flow.completion().toCompletableFuture().isDone()) {
            flow.cancel("the application closed the linked receiver");
        }
        if (connectionName != null) {
            TlsEndpoints.unregister(connectionName);
        }
    }
}
