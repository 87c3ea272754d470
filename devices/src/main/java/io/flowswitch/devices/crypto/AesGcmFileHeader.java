package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.AesGcmFormat.CHUNK_BYTES_OFFSET;
import static io.flowswitch.devices.crypto.AesGcmFormat.FILE_FLAGS_OFFSET;
import static io.flowswitch.devices.crypto.AesGcmFormat.FILE_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.MAGIC_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.MAGIC_OFFSET;
import static io.flowswitch.devices.crypto.AesGcmFormat.RESERVED_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.RESERVED_OFFSET;
import static io.flowswitch.devices.crypto.AesGcmFormat.SALT_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.SALT_OFFSET;
import static io.flowswitch.devices.crypto.AesGcmFormat.VERSION;
import static io.flowswitch.devices.crypto.AesGcmFormat.VERSION_OFFSET;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over the 32-byte, little-endian file header of an encrypted stream
 * ({@code docs/encrypted-format.md}).
 *
 * <pre>
 *  offset  size  field
 *       0     8  magic        ASCII "FLOWSWGC"
 *       8     2  version      (uint16)  1
 *      10     2  flags        (uint16)  0: none defined in version 1
 *      12     4  chunk size   (uint32)  most plaintext bytes one record carries, 1 .. 1 048 576
 *      16    12  salt                   random per stream; the base of every record's nonce
 *      28     4  reserved               zero
 * </pre>
 *
 * The buffer belongs to the caller; the flyweight only reads and writes it in place. One instance per
 * device, re-wrapped as needed: no object per record. Not thread-safe.
 */
public final class AesGcmFileHeader {
    private MutableDirectBuffer buffer;
    private int offset;

    /** Points this flyweight at a file header that starts at {@code offset} in {@code buffer}. */
    public AesGcmFileHeader wrap(MutableDirectBuffer buffer, int offset) {
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

    /** Writes a complete version-1 header: magic, version, no flags, {@code chunkBytes}, {@code salt}, zeros. */
    public AesGcmFileHeader write(int chunkBytes, byte[] salt) {
        if (salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("salt must be " + SALT_LENGTH + " bytes, got " + salt.length);
        }
        buffer.putBytes(offset + MAGIC_OFFSET, AesGcmFormat.magic());
        buffer.putShort(offset + VERSION_OFFSET, (short) VERSION, LITTLE_ENDIAN);
        buffer.putShort(offset + FILE_FLAGS_OFFSET, (short) 0, LITTLE_ENDIAN);
        buffer.putInt(offset + CHUNK_BYTES_OFFSET, chunkBytes, LITTLE_ENDIAN);
        buffer.putBytes(offset + SALT_OFFSET, salt);
        buffer.setMemory(offset + RESERVED_OFFSET, RESERVED_LENGTH, (byte) 0);
        return this;
    }

    /** Whether the first 8 bytes are the magic {@code FLOWSWGC}. */
    public boolean hasMagic() {
        for (int i = 0; i < MAGIC_LENGTH; i++) {
            if (buffer.getByte(offset + MAGIC_OFFSET + i) != AesGcmFormat.magicByte(i)) {
                return false;
            }
        }
        return true;
    }

    /** The format version (uint16). */
    public int version() {
        return buffer.getShort(offset + VERSION_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** The header flags (uint16); 0 in version 1. */
    public int flags() {
        return buffer.getShort(offset + FILE_FLAGS_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** The chunk size in plaintext bytes (uint32, hence a long). */
    public long chunkBytes() {
        return buffer.getInt(offset + CHUNK_BYTES_OFFSET, LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    /** Copies the 12-byte salt into {@code salt} (caller-owned) and returns it. */
    public byte[] salt(byte[] salt) {
        buffer.getBytes(offset + SALT_OFFSET, salt, 0, SALT_LENGTH);
        return salt;
    }

    /** Whether the reserved bytes are all zero, as version 1 requires. */
    public boolean reservedIsZero() {
        return buffer.getInt(offset + RESERVED_OFFSET, LITTLE_ENDIAN) == 0;
    }

    /** Copies the whole header into {@code dst} at {@code dstOffset}. */
    public void copyTo(byte[] dst, int dstOffset) {
        buffer.getBytes(offset, dst, dstOffset, FILE_HEADER_LENGTH);
    }

    @Override
    public String toString() {
        return "AesGcmFileHeader{version=" + version() + ", flags=" + flags() + ", chunkBytes=" + chunkBytes() + "}";
    }
}
