package io.flowswitch.devices.link;

import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.tcp.TcpSink;
import java.util.Map;

/**
 * An {@code aes-gcm-tcp-sink} instance: seals each chunk in place and writes it, on the calling stage's
 * thread. It numbers records itself (so empty chunks, which carry nothing, are skipped), and keeps a pool of
 * one chunk for the end record.
 *
 * <p>Ownership: {@link #write} borrows the caller's chunk: the cipher seals it in place and hands it back,
 * the socket sends it, the caller releases it. Blocking (the socket); one stage thread calls it.
 */
public final class AesGcmTcpSink implements SinkDevice {
    private final String stage;
    private final long flowId;
    private final TransformDevice cipher;
    private final TcpSink socket;
    private final ChunkPool endPool;
    private long sequence;
    private long plaintextBytes;

    AesGcmTcpSink(String stage, long flowId, int chunkBytes, TransformDevice cipher, TcpSink socket) {
        this.stage = stage;
        this.flowId = flowId;
        this.cipher = cipher;
        this.socket = socket;
        this.endPool = new ChunkPool(chunkBytes, 1);
    }

    @Override
    public void write(Chunk chunk) {
        final int length = chunk.payloadLength();
        if (length == 0) {
            return;
        }
        chunk.header().flowId(flowId).sequence(sequence).byteOffset(plaintextBytes)
            .flags(sequence == 0 ? ChunkFlags.FIRST : 0);
        sequence++;
        plaintextBytes += length;
        cipher.accept(chunk);
        final Chunk sealed = cipher.poll(endPool);
        if (sealed != chunk) {
            throw new IllegalStateException(stage + ": the cipher did not seal the chunk in place");
        }
        socket.write(sealed);
    }

    /** The end record, then the end of the TCP stream. */
    @Override
    public void finish() {
        cipher.endOfInput();
        Chunk end;
        while ((end = cipher.poll(endPool)) != null) {
            try {
                socket.write(end);
            } finally {
                end.release();
            }
        }
        socket.finish();
    }

    @Override
    public void abort(Throwable cause) {
        socket.abort(cause);
    }

    /** {@code bytes}: plaintext bytes sealed; {@code peer}. */
    @Override
    public Map<String, String> results() {
        return Map.of("bytes", Long.toString(plaintextBytes), "records", Long.toString(sequence), "peer",
            socket.endpoint());
    }

    @Override
    public void close() {
        socket.close();
        cipher.close();
    }
}
