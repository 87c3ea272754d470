package io.flowswitch.devices.link;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Where a flow's bytes leave for an application: the receiving side of a linked socket, filled by a flow's
 * {@code pipe-sink} stage ({@link PipeSinkKind}) by name and read by the application as a stream. Whatever
 * the flow did before the sink (authenticate and decrypt, check a digest) is done before the application
 * sees a byte.
 *
 * <p>The sink copies each chunk once into one of the inbox's chunks (the copy a {@code read()} system call
 * makes too); when all are full the sink waits, which is back pressure into the flow. The application reads
 * with {@link #read} or {@link #stream()}; a flow that fails makes the next read throw, with its reason.
 *
 * <p>Threads: one sink stage delivers, one application thread reads.
 */
public final class AppInbox implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, AppInbox> INBOXES = new ConcurrentHashMap<>();
    private static final Chunk END = Chunk.unpooled(1);

    private final String name;
    private final ChunkPool chunks;
    private final ArrayBlockingQueue<Chunk> ready;
    private Chunk reading;
    private volatile String failure;
    private volatile boolean closed;
    private boolean ended;

    public AppInbox(int chunkBytes, int chunkCount) {
        this.chunks = new ChunkPool(chunkBytes, chunkCount);
        this.ready = new ArrayBlockingQueue<>(chunkCount + 1);
        final byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        this.name = "inbox-" + HexFormat.of().formatHex(id);
        INBOXES.put(name, this);
    }

    /** The name a {@code pipe-sink} stage gives as {@code pipe}. */
    public String name() {
        return name;
    }

    /**
     * Reads at least one byte, waiting for the flow; -1 once the flow finished and everything was read.
     *
     * @throws IOException when the flow failed (its reason), or the inbox was closed
     */
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (reading == null) {
            if (ended) {
                return -1;
            }
            final Chunk next;
            try {
                next = ready.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the flow", e);
            }
            if (next == END) {
                ended = true;
                if (failure != null) {
                    throw new IOException("the flow failed: " + failure);
                }
                return -1;
            }
            if (next == null && closed) {
                throw new IOException("the inbox is closed");
            }
            reading = next;
        }
        final int n = Math.min(length, reading.payloadLength());
        System.arraycopy(reading.array(), reading.payloadOffset(), target, offset, n);
        reading.payload(reading.payloadOffset() + n, reading.payloadLength() - n);
        if (reading.payloadLength() == 0) {
            reading.release();
            reading = null;
        }
        return n;
    }

    /** The inbox as an input stream (not thread-safe, like the inbox). */
    public InputStream stream() {
        return new InputStream() {
            private final byte[] one = new byte[1];

            @Override
            public int read() throws IOException {
                return AppInbox.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                return AppInbox.this.read(target, offset, length);
            }
        };
    }

    /** The application reads no more: a flow still delivering fails. Idempotent. */
    @Override
    public void close() {
        closed = true;
        INBOXES.remove(name);
        Chunk chunk;
        while ((chunk = ready.poll()) != null) {
            if (chunk != END) {
                chunk.release();
            }
        }
    }

    static AppInbox find(String stage, String name) {
        final AppInbox inbox = INBOXES.get(name);
        if (inbox == null) {
            throw new DeviceException("NO_PIPE", stage + ": no application inbox is registered as '" + name + "'");
        }
        return inbox;
    }

    /** Sink side: copies the chunk's payload in, waiting for room. The caller keeps the chunk. */
    void deliver(String stage, Chunk source) {
        int done = 0;
        while (done < source.payloadLength()) {
            final Chunk chunk = acquire(stage);
            final int n = Math.min(chunk.payloadCapacity(), source.payloadLength() - done);
            System.arraycopy(source.array(), source.payloadOffset() + done, chunk.array(), Chunk.HEADROOM, n);
            chunk.payload(Chunk.HEADROOM, n);
            done += n;
            put(chunk);
        }
    }

    /** Sink side: the flow finished, or failed with {@code reason}. */
    void end(String reason) {
        if (reason != null && failure == null) {
            failure = reason;
        }
        put(END);
    }

    private Chunk acquire(String stage) {
        final Thread sink = Thread.currentThread();
        Chunk chunk;
        while ((chunk = chunks.acquire()) == null) {
            if (closed) {
                throw new DeviceException("CLOSED", stage + ": the application closed its inbox");
            }
            if (!chunks.awaitRelease(() -> LockSupport.unpark(sink))) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        return chunk;
    }

    private void put(Chunk chunk) {
        try {
            while (!ready.offer(chunk, 10, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    chunk.release();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            chunk.release();
        }
    }
}
