package io.flowswitch.devices.chunk;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over the fixed 40-byte, little-endian header that every chunk carries on the data plane.
 *
 * <pre>
 *  offset  size  field
 *       0     8  flow id              (int64)  the flow this chunk belongs to
 *       8     8  sequence number      (int64)  0, 1, 2, ... end to end per flow; used for ordering and replay
 *      16     8  byte offset          (int64)  offset of the first payload byte in the flow's byte stream
 *      24     4  payload length       (int32)  number of payload bytes that follow the header
 *      28     4  flags                (int32)  {@link ChunkFlags}
 *      32     4  pass-through offset  (int32)  start of the payload range a pass-through device leaves untouched
 *      36     4  pass-through length  (int32)  length of that range; 0 when there is none
 * </pre>
 *
 * One instance per stage, re-wrapped per chunk: no object per chunk. Not thread-safe.
 */
public final class ChunkHeader {
    public static final int LENGTH = 40;

    static final int FLOW_ID_OFFSET = 0;
    static final int SEQUENCE_OFFSET = 8;
    static final int BYTE_OFFSET_OFFSET = 16;
    static final int PAYLOAD_LENGTH_OFFSET = 24;
    static final int FLAGS_OFFSET = 28;
    static final int PASS_THROUGH_OFFSET_OFFSET = 32;
    static final int PASS_THROUGH_LENGTH_OFFSET = 36;

    private MutableDirectBuffer buffer;
    private int offset;

    /** Points this flyweight at a header that starts at {@code offset} in {@code buffer}. */
    public ChunkHeader wrap(MutableDirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public MutableDirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public long flowId() {
        return buffer.getLong(offset + FLOW_ID_OFFSET, LITTLE_ENDIAN);
    }

    public ChunkHeader flowId(long value) {
        buffer.putLong(offset + FLOW_ID_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public long sequence() {
        return buffer.getLong(offset + SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    public ChunkHeader sequence(long value) {
        buffer.putLong(offset + SEQUENCE_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public long byteOffset() {
        return buffer.getLong(offset + BYTE_OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    public ChunkHeader byteOffset(long value) {
        buffer.putLong(offset + BYTE_OFFSET_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public int payloadLength() {
        return buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    public ChunkHeader payloadLength(int value) {
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public int flags() {
        return buffer.getInt(offset + FLAGS_OFFSET, LITTLE_ENDIAN);
    }

    public ChunkHeader flags(int value) {
        buffer.putInt(offset + FLAGS_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public boolean hasFlag(int flag) {
        return (flags() & flag) != 0;
    }

    public int passThroughOffset() {
        return buffer.getInt(offset + PASS_THROUGH_OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    public ChunkHeader passThroughOffset(int value) {
        buffer.putInt(offset + PASS_THROUGH_OFFSET_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public int passThroughLength() {
        return buffer.getInt(offset + PASS_THROUGH_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    public ChunkHeader passThroughLength(int value) {
        buffer.putInt(offset + PASS_THROUGH_LENGTH_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    /** Zeroes all fields. */
    public ChunkHeader clear() {
        buffer.setMemory(offset, LENGTH, (byte) 0);
        return this;
    }

    /** Copies all 40 bytes of {@code other} into this header. */
    public ChunkHeader copyFrom(ChunkHeader other) {
        buffer.putBytes(offset, other.buffer, other.offset, LENGTH);
        return this;
    }

    @Override
    public String toString() {
        return "ChunkHeader{flowId=" + flowId() + ", sequence=" + sequence() + ", byteOffset=" + byteOffset()
            + ", payloadLength=" + payloadLength() + ", flags=" + ChunkFlags.toString(flags())
            + ", passThrough=[" + passThroughOffset() + "+" + passThroughLength() + "]}";
    }
}
