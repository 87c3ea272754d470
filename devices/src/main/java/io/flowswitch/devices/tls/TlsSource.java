package io.flowswitch.devices.tls;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import java.util.Map;

/**
 * A {@code tls-source} instance: one flow's reader on a borrowed {@link TlsConnection}.
 *
 * <p>Chunking: {@link #read} fills the chunk ({@code min(payload capacity, flow chunk size)} bytes) unless
 * the stream ends, as {@code tcp-source} does: right for data flows, not for request-response.
 *
 * <p>Blocking: reads block, so its stage runs on the blocking-I/O dispatcher. Ownership: {@link #read}
 * writes into a chunk the caller owns. The connection stays the application's; {@link #close()} ends the
 * loan.
 */
public final class TlsSource implements SourceDevice {
    private final String stage;
    private final String name;
    private final TlsConnection connection;
    private final int chunkBytes;
    private final long startBytes;
    private boolean ended;
    private boolean returned;

    TlsSource(String stage, String name, TlsConnection connection, int chunkBytes) {
        this.stage = stage;
        this.name = name;
        this.connection = connection;
        this.chunkBytes = chunkBytes;
        this.startBytes = connection.plaintextBytesIn();
    }

    /**
     * Fills the chunk's payload at {@link Chunk#HEADROOM} with decrypted, authenticated bytes. The caller owns
     * the chunk before and after.
     *
     * @return bytes, or -1 after the peer's {@code close_notify}
     */
    @Override
    public int read(Chunk chunk) {
        if (ended) {
            return -1;
        }
        final int max = Math.min(chunk.payloadCapacity(), chunkBytes);
        int filled = 0;
        try {
            while (filled < max) {
                final int n = connection.read(chunk.array(), Chunk.HEADROOM + filled, max - filled);
                if (n < 0) {
                    ended = true;
                    break;
                }
                filled += n;
            }
        } catch (DeviceException e) {
            throw new DeviceException(e.code(), stage + ": " + e.getMessage(), e);
        }
        if (filled == 0 && ended) {
            return -1;
        }
        chunk.payload(Chunk.HEADROOM, filled);
        return filled;
    }

    /** {@code bytes}: plaintext bytes this flow received; {@code peer}. */
    @Override
    public Map<String, String> results() {
        return Map.of("bytes", Long.toString(connection.plaintextBytesIn() - startBytes), "peer", connection.peer());
    }

    /** Before the end of the stream, resets the connection: the rest of it has no reader. Any thread. */
    @Override
    public synchronized void close() {
        if (!ended) {
            connection.abort();
        }
        if (!returned) {
            returned = true;
            TlsEndpoints.giveBack(name, false);
        }
    }

    @Override
    public String toString() {
        return "TlsSource{" + stage + ", " + connection + "}";
    }
}
