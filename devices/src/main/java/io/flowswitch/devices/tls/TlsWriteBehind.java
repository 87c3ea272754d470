package io.flowswitch.devices.tls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A socket writer on a thread of its own, so that a {@link TlsConnection} seals the next records while the
 * last ones are being written: sealing and the socket's copy overlap instead of taking turns on one thread.
 *
 * <p>A fixed set of {@value #BUFFERS} equal buffers goes round: the sealer fills one, {@link #submit}s it
 * and {@link #take}s an empty one, blocking while the writer still holds both others (back pressure; nothing
 * is allocated after construction, the queues are array-backed). Order is the order of submission.
 *
 * <p>Ownership: a buffer handed to {@link #submit} is the writer's until it comes back through {@link #take}.
 * Thread-safety: one sealer at a time (the connection's write lock); {@link #stop} from any thread.
 * Failure: the first write error is kept, every buffer goes back to the empty queue, and the sealer's next
 * {@link #take}, {@link #submit} or {@link #drain} throws it.
 */
final class TlsWriteBehind implements Runnable {
    /** One being filled, one queued, one being written. */
    static final int BUFFERS = 3;

    private final OutputStream out;
    private final ArrayBlockingQueue<ByteBuffer> filled = new ArrayBlockingQueue<>(BUFFERS);
    private final ArrayBlockingQueue<ByteBuffer> empty = new ArrayBlockingQueue<>(BUFFERS);
    private final Thread thread;
    private final Object progress = new Object();
    private volatile IOException failure;
    private long submitted;
    private long written;

    /** Starts the writer; the sealer gets its first buffer from {@link #take}. */
    TlsWriteBehind(OutputStream out, int bufferBytes, String peer) {
        this.out = out;
        for (int i = 0; i < BUFFERS; i++) {
            empty.add(ByteBuffer.allocate(bufferBytes));
        }
        this.thread = new Thread(this, "flowswitch-tls-writer " + peer);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** An empty buffer, cleared; blocks while the writer holds all others. */
    ByteBuffer take() throws IOException {
        requireHealthy();
        try {
            final ByteBuffer buffer = empty.take();
            requireHealthy();
            buffer.clear();
            return buffer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the socket writer");
        }
    }

    /** Queues {@code buffer} (flipped: position to limit is sent) for the socket; the writer owns it now. */
    void submit(ByteBuffer buffer) throws IOException {
        requireHealthy();
        synchronized (progress) {
            submitted++;
        }
        filled.add(buffer);
    }

    /** Blocks until everything submitted is on the socket. */
    void drain() throws IOException {
        synchronized (progress) {
            while (written < submitted && failure == null) {
                try {
                    progress.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while the socket writer drained");
                }
            }
        }
        requireHealthy();
    }

    /** Ends the writer; a write in progress ends when the caller closes the socket. */
    void stop() {
        thread.interrupt();
    }

    @Override
    public void run() {
        try {
            while (true) {
                final ByteBuffer buffer = filled.take();
                try {
                    out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                } finally {
                    empty.add(buffer);
                }
                synchronized (progress) {
                    written++;
                    progress.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            fail(new IOException("socket closed"));
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(IOException e) {
        failure = e;
        ByteBuffer buffer;
        while ((buffer = filled.poll()) != null) {
            empty.add(buffer);
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private void requireHealthy() throws IOException {
        final IOException e = failure;
        if (e != null) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
