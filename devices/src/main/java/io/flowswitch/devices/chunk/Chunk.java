package io.flowswitch.devices.chunk;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * A pooled chunk buffer: a {@link ChunkHeader} followed by room for the payload, in one heap array
 * (the JDK's AES-GCM is faster heap to heap than direct to direct).
 *
 * <pre>
 *  [0, 40)                       header, see {@link ChunkHeader}
 *  [40, HEADROOM)                headroom: a device may prepend bytes in place (record and file headers)
 *  [HEADROOM, HEADROOM + size)   payload as a source writes it
 *  [.., + TAILROOM)              tailroom: a device may append in place (authentication tags)
 * </pre>
 *
 * <p>Ownership: a chunk has exactly one owner at a time. Passing a chunk passes ownership; the receiver
 * either passes it on or calls {@link #release()}, which returns it to its pool. Using a chunk after
 * releasing it is a bug. Not thread-safe: ownership is what makes hand-over between threads safe.
 */
public final class Chunk {
    /** Bytes before the payload, including the header. */
    public static final int HEADROOM = 128;
    /** Bytes after the payload that a device may use in place. */
    public static final int TAILROOM = 64;

    private final byte[] array;
    private final UnsafeBuffer buffer;
    private final ChunkHeader header = new ChunkHeader();
    private final int payloadCapacity;
    private final ChunkPool pool;
    /** This chunk's slot in its pool: where it sits while it is free. */
    private final int slot;
    private int payloadOffset = HEADROOM;
    private int payloadLength;
    /** Where this chunk was last returned to its pool; recorded only with {@link ChunkPool#TRACK_RELEASES}. */
    private Throwable releasedAt;

    Chunk(ChunkPool pool, int slot, int payloadCapacity) {
        this.pool = pool;
        this.slot = slot;
        this.payloadCapacity = payloadCapacity;
        this.array = new byte[HEADROOM + payloadCapacity + TAILROOM];
        this.buffer = new UnsafeBuffer(array);
        header.wrap(buffer, 0);
    }

    /** Creates a chunk that belongs to no pool; {@link #release()} is then a no-op. For tests and tools. */
    public static Chunk unpooled(int payloadCapacity) {
        return new Chunk(null, -1, payloadCapacity);
    }

    public ChunkHeader header() {
        return header;
    }

    /** The whole backing array: header, headroom, payload and tailroom. */
    public byte[] array() {
        return array;
    }

    public UnsafeBuffer buffer() {
        return buffer;
    }

    /** Payload bytes a source may put at {@link #HEADROOM}; the array holds {@link #TAILROOM} more. */
    public int payloadCapacity() {
        return payloadCapacity;
    }

    /** Index in {@link #array()} of the first payload byte. */
    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** Index in {@link #array()} one past the last payload byte. */
    public int payloadEnd() {
        return payloadOffset + payloadLength;
    }

    /**
     * Sets where the payload lies in {@link #array()} and keeps the header's payload length in step.
     *
     * @throws IllegalArgumentException if the range leaves the header or the array
     */
    public Chunk payload(int offset, int length) {
        if (offset < ChunkHeader.LENGTH || length < 0 || offset + length > array.length) {
            throw new IllegalArgumentException(
                "payload [" + offset + ", " + (offset + length) + ") outside [" + ChunkHeader.LENGTH + ", "
                    + array.length + ")");
        }
        payloadOffset = offset;
        payloadLength = length;
        header.payloadLength(length);
        return this;
    }

    /** Resets the payload to empty at {@link #HEADROOM} and zeroes the header. */
    public Chunk reset() {
        header.clear();
        payloadOffset = HEADROOM;
        payloadLength = 0;
        return this;
    }

    /** Returns this chunk to its pool. The caller gives up ownership. */
    public void release() {
        if (pool != null) {
            pool.release(this);
        }
    }

    ChunkPool pool() {
        return pool;
    }

    Throwable releasedAt() {
        return releasedAt;
    }

    void releasedAt(Throwable where) {
        releasedAt = where;
    }

    int slot() {
        return slot;
    }

    @Override
    public String toString() {
        return "Chunk{" + header + ", payload=[" + payloadOffset + "+" + payloadLength + "]}";
    }
}
