package io.flowswitch.devices.tls;

import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;
import java.util.Map;

/**
 * A {@code tls-sink} instance: one flow's writer on a borrowed {@link TlsConnection}.
 *
 * <p>Blocking: {@link #write} blocks while the peer does not read, so its stage runs on the blocking-I/O
 * dispatcher. {@link #close()} or {@link #abort} from another thread resets the connection and ends a
 * blocked write.
 *
 * <p>Ownership: {@link #write} encrypts from a chunk the caller owns and keeps. The connection stays the
 * application's: on {@link #finish()} with {@code end = keep-open} it is handed back open; on a failure it is
 * reset.
 */
public final class TlsSink implements SinkDevice {
    private enum State { OPEN, FINISHED, ABORTED }

    private final String stage;
    private final String name;
    private final TlsConnection connection;
    private final boolean closeNotify;
    private final long startBytes;
    private final long startRecords;
    private volatile State state = State.OPEN;
    private boolean returned;

    TlsSink(String stage, String name, TlsConnection connection, boolean closeNotify) {
        this.stage = stage;
        this.name = name;
        this.connection = connection;
        this.closeNotify = closeNotify;
        this.startBytes = connection.plaintextBytesOut();
        this.startRecords = connection.recordsOut();
    }

    /**
     * Encrypts and sends the whole payload. The caller owns the chunk before and after.
     *
     * @throws io.flowswitch.devices.DeviceException see {@link TlsSinkKind}; the message names the stage
     */
    @Override
    public void write(Chunk chunk) {
        if (state != State.OPEN) {
            throw new IllegalStateException(stage + ": write() on a sink that is " + state);
        }
        try {
            connection.write(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
        } catch (io.flowswitch.devices.DeviceException e) {
            throw new io.flowswitch.devices.DeviceException(e.code(), stage + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void finish() {
        if (state != State.OPEN) {
            return;
        }
        if (closeNotify) {
            connection.closeOutbound();
        }
        state = State.FINISHED;
    }

    @Override
    public void abort(Throwable cause) {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        connection.abort();
    }

    /** Without {@link #finish()} this is an {@link #abort}; ends the loan. May be called from any thread. */
    @Override
    public void close() {
        abort(null);
        synchronized (this) {
            if (!returned) {
                returned = true;
                TlsEndpoints.giveBack(name, true);
            }
        }
    }

    /** {@code bytes}: plaintext bytes this flow sent; {@code records}: TLS records; {@code peer}. */
    @Override
    public Map<String, String> results() {
        return Map.of("bytes", Long.toString(connection.plaintextBytesOut() - startBytes),
            "records", Long.toString(connection.recordsOut() - startRecords), "peer", connection.peer());
    }

    @Override
    public String toString() {
        return "TlsSink{" + stage + ", " + connection + ", " + state + "}";
    }
}
