package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.AesGcmFormat.FLAG_FINAL;
import static io.flowswitch.devices.crypto.AesGcmFormat.PLAINTEXT_LENGTH_OFFSET;
import static io.flowswitch.devices.crypto.AesGcmFormat.PLAINTEXT_OFFSET_OFFSET;
import static io.flowswitch.devices.crypto.AesGcmFormat.RECORD_FLAGS_OFFSET;
import static io.flowswitch.devices.crypto.AesGcmFormat.SEQUENCE_OFFSET;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over the 24-byte, little-endian header that opens every record of an encrypted stream
 * ({@code docs/encrypted-format.md}).
 *
 * <pre>
 *  offset  size  field
 *       0     8  sequence          (uint64)  0, 1, 2, ... ; the record's nonce is derived from it
 *       8     8  plaintext offset  (uint64)  position of the record's first plaintext byte
 *      16     4  plaintext length  (uint32)  0 .. chunk size; the ciphertext has the same length
 *      20     4  flags             (uint32)  bit 0 FINAL (the end record, length 0); other bits 0
 * </pre>
 *
 * The buffer belongs to the caller; the flyweight only reads and writes it in place. One instance per
 * device, re-wrapped per record: no object per record. Not thread-safe.
 */
public final class AesGcmRecordHeader {
    private MutableDirectBuffer buffer;
    private int offset;

    /** Points this flyweight at a record header that starts at {@code offset} in {@code buffer}. */
    public AesGcmRecordHeader wrap(MutableDirectBuffer buffer, int offset) {
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

    /** The sequence number; a value of 2^63 or more reads as negative and can never be the expected one. */
    public long sequence() {
        return buffer.getLong(offset + SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    public AesGcmRecordHeader sequence(long value) {
        buffer.putLong(offset + SEQUENCE_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    /** Position of the record's first plaintext byte in the plaintext stream. */
    public long plaintextOffset() {
        return buffer.getLong(offset + PLAINTEXT_OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    public AesGcmRecordHeader plaintextOffset(long value) {
        buffer.putLong(offset + PLAINTEXT_OFFSET_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    /** The plaintext length (uint32, hence a long, so that a hostile value cannot read as negative). */
    public long plaintextLength() {
        return buffer.getInt(offset + PLAINTEXT_LENGTH_OFFSET, LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    public AesGcmRecordHeader plaintextLength(int value) {
        buffer.putInt(offset + PLAINTEXT_LENGTH_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    public int flags() {
        return buffer.getInt(offset + RECORD_FLAGS_OFFSET, LITTLE_ENDIAN);
    }

    public AesGcmRecordHeader flags(int value) {
        buffer.putInt(offset + RECORD_FLAGS_OFFSET, value, LITTLE_ENDIAN);
        return this;
    }

    /** Whether the FINAL flag is set. */
    public boolean isFinal() {
        return (flags() & FLAG_FINAL) != 0;
    }

    /** Writes all four fields. */
    public AesGcmRecordHeader set(long sequence, long plaintextOffset, int plaintextLength, int flags) {
        return sequence(sequence).plaintextOffset(plaintextOffset).plaintextLength(plaintextLength).flags(flags);
    }

    @Override
    public String toString() {
        return "AesGcmRecordHeader{sequence=" + sequence() + ", plaintextOffset=" + plaintextOffset()
            + ", plaintextLength=" + plaintextLength() + ", flags=" + flags() + "}";
    }
}
