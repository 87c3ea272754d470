package io.flowswitch.devices.testkit;

import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.locks.LockSupport;

/**
 * A sink that keeps every payload byte and checks sequence numbers arrive 0, 1, 2, ... Optionally slow:
 * it parks for {@code delayNs} per chunk, to show back pressure.
 */
public final class CollectingSink implements SinkDevice {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final long delayNs;
    private long expectedSequence;
    private volatile boolean finished;
    private volatile Throwable aborted;
    private volatile boolean closed;

    public CollectingSink(long delayNs) {
        this.delayNs = delayNs;
    }

    @Override
    public synchronized void write(Chunk chunk) {
        if (chunk.header().sequence() != expectedSequence) {
            throw new AssertionError("expected sequence " + expectedSequence + ", got " + chunk.header());
        }
        expectedSequence++;
        bytes.write(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
        if (delayNs > 0) {
            LockSupport.parkNanos(delayNs);
        }
    }

    @Override
    public void finish() {
        finished = true;
    }

    @Override
    public void abort(Throwable cause) {
        aborted = cause;
    }

    public synchronized byte[] bytes() {
        return bytes.toByteArray();
    }

    public synchronized int size() {
        return bytes.size();
    }

    public boolean finished() {
        return finished;
    }

    public Throwable aborted() {
        return aborted;
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
