package io.flowswitch.devices.testkit;

import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;

/** A source over a byte array, filling chunks of at most {@code chunkBytes}. Counts what it read. */
public final class BytesSource implements SourceDevice {
    private final byte[] data;
    private final int chunkBytes;
    private int position;
    private volatile boolean closed;

    public BytesSource(byte[] data, int chunkBytes) {
        this.data = data;
        this.chunkBytes = chunkBytes;
    }

    @Override
    public int read(Chunk chunk) {
        if (position >= data.length) {
            return -1;
        }
        final int length = Math.min(Math.min(chunkBytes, chunk.payloadCapacity()), data.length - position);
        System.arraycopy(data, position, chunk.array(), Chunk.HEADROOM, length);
        chunk.payload(Chunk.HEADROOM, length);
        position += length;
        return length;
    }

    @Override
    public long sizeBytes() {
        return data.length;
    }

    public int position() {
        return position;
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
