package io.flowswitch.devices.link;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Where an application's writes enter a flow: the application side of a linked socket, read by a flow's
 * {@code pipe-source} stage ({@link PipeSourceKind}) by name.
 *
 * <p>Two ways in. {@link #write} copies the bytes once into one of the pipe's staging chunks (the one copy
 * a {@code write()} system call makes too) and returns; {@link #send} lends a {@link SharedPage} with no copy
 * at all. Either way the chunk travels through the flow (encrypted in place, sent) and its last stage
 * releases it: a staging chunk back to the pipe, a page back to the application.
 *
 * <p>Batching: with {@code maxDelayNs > 0}, small writes are appended to one open staging chunk, handed
 * over when it is full, on {@link #flush()}, or at the latest {@code maxDelayNs} after its first byte: one
 * record for many small messages, with a bound on how long a byte waits. With 0, every write is its own
 * chunk (one record each).
 *
 * <p>Back pressure: when every staging chunk is in the flow, {@link #write} waits (parks) for one to come
 * back; the flow's own demand paces the rest.
 *
 * <p>Threads: one application thread writes; the flow's source stage takes. Copies are counted
 * ({@link #copiedBytes()}), so a benchmark reports copies per byte rather than assuming them.
 */
public final class AppPipe implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, AppPipe> PIPES = new ConcurrentHashMap<>();
    private static final Chunk END = Chunk.unpooled(1);

    private final String name;
    private final ChunkPool staging;
    private final ArrayBlockingQueue<Chunk> ready;
    private final long maxDelayNs;
    private final Object batchLock = new Object();
    private final AtomicLong copiedBytes = new AtomicLong();
    private final AtomicLong handedOver = new AtomicLong();
    private Chunk open;
    private long openSinceNs;
    private volatile boolean closed;
    private volatile String brokenReason;

    /**
     * A pipe with {@code stagingChunks} chunks of {@code chunkBytes}, registered under a new name.
     *
     * @param maxDelayNs batching latency bound; 0 for none
     */
    public AppPipe(int chunkBytes, int stagingChunks, long maxDelayNs) {
        if (maxDelayNs < 0) {
            throw new IllegalArgumentException("maxDelayNs must be >= 0, got " + maxDelayNs);
        }
        this.staging = new ChunkPool(chunkBytes, stagingChunks);
        // Room for every staging chunk, pages beyond them, and the end marker.
        this.ready = new ArrayBlockingQueue<>(stagingChunks * 2 + 1);
        this.maxDelayNs = maxDelayNs;
        final byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        this.name = "pipe-" + HexFormat.of().formatHex(id);
        PIPES.put(name, this);
    }

    /** The name a {@code pipe-source} stage gives as {@code pipe}. */
    public String name() {
        return name;
    }

    public int chunkBytes() {
        return staging.payloadCapacity();
    }

    /** Bytes copied into staging chunks so far (shared pages add none). */
    public long copiedBytes() {
        return copiedBytes.get();
    }

    /** Chunks handed to the flow so far (records, for the ciphers that make one per chunk). */
    public long chunksHandedOver() {
        return handedOver.get();
    }

    /**
     * Copies {@code length} bytes into the pipe; the caller may reuse {@code source} at once. Waits while
     * every staging chunk is in the flow.
     *
     * @throws IllegalStateException when the pipe is closed or its flow ended
     */
    public void write(byte[] source, int offset, int length) {
        int done = 0;
        while (done < length) {
            requireOpen();
            synchronized (batchLock) {
                if (open == null) {
                    open = acquireStaging();
                    openSinceNs = System.nanoTime();
                }
                final int room = open.payloadCapacity() - open.payloadLength();
                final int n = Math.min(room, length - done);
                System.arraycopy(source, offset + done, open.array(), open.payloadEnd(), n);
                open.payload(open.payloadOffset(), open.payloadLength() + n);
                copiedBytes.addAndGet(n);
                done += n;
                if (maxDelayNs == 0 || open.payloadLength() == open.payloadCapacity()) {
                    handOver(open);
                    open = null;
                }
            }
        }
    }

    /**
     * Lends {@code page} to the flow with its first {@code length} bytes, without a copy; the page comes back
     * (to {@link SharedPage#awaitReturn}) once the flow is done with it. An open batch goes first, so order
     * is kept.
     */
    public void send(SharedPage page, int length) {
        requireOpen();
        synchronized (batchLock) {
            if (open != null) {
                handOver(open);
                open = null;
            }
            handOver(page.lend(length));
        }
    }

    /** Hands the open batch over now. */
    public void flush() {
        synchronized (batchLock) {
            if (open != null) {
                handOver(open);
                open = null;
            }
        }
    }

    /** The end of the stream: the flow sends what it has, then ends. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        flush();
        closed = true;
        putBlocking(END);
    }

    /** Forgets the name; call once the flow ended. */
    public void unregister() {
        PIPES.remove(name);
    }

    static AppPipe find(String stage, String name) {
        final AppPipe pipe = PIPES.get(name);
        if (pipe == null) {
            throw new DeviceException("NO_PIPE", stage + ": no application pipe is registered as '" + name + "'");
        }
        return pipe;
    }

    static boolean isRegistered(String name) {
        return PIPES.containsKey(name);
    }

    /**
     * The next chunk for the flow, waiting for the application; hands an open batch over once it is
     * {@code maxDelayNs} old. Ownership of the chunk passes to the caller.
     *
     * @return the chunk, or null at the end of the stream
     */
    Chunk take() throws InterruptedException {
        while (true) {
            final long waitNs = maxDelayNs > 0 ? maxDelayNs : TimeUnit.MILLISECONDS.toNanos(100);
            final Chunk chunk = ready.poll(waitNs, TimeUnit.NANOSECONDS);
            if (chunk == END) {
                return null;
            }
            if (chunk != null) {
                return chunk;
            }
            if (maxDelayNs > 0) {
                synchronized (batchLock) {
                    if (open != null && System.nanoTime() - openSinceNs >= maxDelayNs) {
                        final Chunk aged = open;
                        open = null;
                        handedOver.incrementAndGet();
                        return aged;
                    }
                }
            }
        }
    }

    /** The flow ended (or failed, or never started) before the end of the stream: later writes fail; chunks go home. Idempotent. */
    public void abort(String reason) {
        brokenReason = reason;
        Chunk chunk;
        while ((chunk = ready.poll()) != null) {
            if (chunk != END) {
                chunk.release();
            }
        }
        synchronized (batchLock) {
            if (open != null) {
                open.release();
                open = null;
            }
        }
    }

    private void handOver(Chunk chunk) {
        handedOver.incrementAndGet();
        putBlocking(chunk);
    }

    private void putBlocking(Chunk chunk) {
        try {
            ready.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            chunk.release();
            throw new IllegalStateException("interrupted while handing a chunk to the flow", e);
        }
    }

    private Chunk acquireStaging() {
        final Thread writer = Thread.currentThread();
        Chunk chunk;
        while ((chunk = staging.acquire()) == null) {
            requireOpen();
            if (!staging.awaitRelease(() -> LockSupport.unpark(writer))) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        return chunk;
    }

    private void requireOpen() {
        if (brokenReason != null) {
            throw new IllegalStateException("the flow behind pipe " + name + " ended: " + brokenReason);
        }
        if (closed) {
            throw new IllegalStateException("pipe " + name + " is closed");
        }
    }
}
