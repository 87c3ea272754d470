package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.AesGcmFormat.FILE_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.FLAG_CLEAR_PREFIX;
import static io.flowswitch.devices.crypto.AesGcmFormat.FLAG_FINAL;
import static io.flowswitch.devices.crypto.AesGcmFormat.MAGIC_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.MAX_CHUNK_BYTES;
import static io.flowswitch.devices.crypto.AesGcmFormat.MIN_CHUNK_BYTES;
import static io.flowswitch.devices.crypto.AesGcmFormat.NONCE_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.RECORD_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.SALT_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.TAG_BITS;
import static io.flowswitch.devices.crypto.AesGcmFormat.TAG_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.VERSION;

import io.flowswitch.devices.DeviceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The software reference of the encrypted stream format ({@code docs/encrypted-format.md}): plain,
 * stream-to-stream code, written from the document rather than from the devices, that the devices must
 * match byte for byte and that a flow falls back to when no device can run.
 *
 * <p>{@link #encrypt} cuts its input into records of exactly {@code chunkBytes} (the last one shorter), as
 * a file source cuts chunks, so for the same salt and key it writes exactly what the
 * {@code aes-gcm-encrypt} device writes for a flow of that chunk size. {@link #decrypt} makes the checks
 * the document requires, in its order, and fails with the same codes and messages as the
 * {@code aes-gcm-decrypt} device. It writes a record's plaintext only after the record verified; still,
 * what it has written is complete only when it returns normally.
 *
 * <p>The streams belong to the caller: they are read and written, never closed. Stateless and
 * thread-safe; each call allocates its own cipher and one record's worth of buffer.
 */
public final class AesGcmReference {
    private static final String WHERE = "aes-gcm reference";

    private AesGcmReference() {
    }

    /**
     * Encrypts all of {@code in} to {@code out}.
     *
     * @param salt       12 bytes, fresh for every stream encrypted under {@code key}
     * @param chunkBytes plaintext bytes per record, 1 to 1 048 576
     * @return the number of plaintext bytes encrypted
     * @throws DeviceException          {@code BAD_KEY} when {@code key} is not a 32-byte AES key
     * @throws IllegalArgumentException for a salt of the wrong length or a chunk size out of range
     * @throws IOException              from the streams
     */
    public static long encrypt(InputStream in, OutputStream out, SecretKey key, byte[] salt, int chunkBytes)
        throws IOException {
        return encrypt(in, out, key, salt, chunkBytes, 0);
    }

    /**
     * Encrypts framed input to {@code out}: {@code in} is a header of {@code clearPrefixBytes} before each
     * piece of {@code chunkBytes} data (the last piece shorter), as a header program frames a flow's
     * chunks. Each record keeps its header in the clear and authenticated (CLEAR_PREFIX) and encrypts its
     * data, as the {@code aes-gcm-encrypt} device does for such a flow with {@code pass 0..clearPrefixBytes}.
     *
     * @param clearPrefixBytes 0 for none (then this is {@link #encrypt(InputStream, OutputStream, SecretKey,
     *                         byte[], int)}), else up to 64
     * @return the number of bytes read from {@code in}, headers included
     */
    public static long encrypt(InputStream in, OutputStream out, SecretKey key, byte[] salt, int chunkBytes,
                               int clearPrefixBytes) throws IOException {
        AesGcmKeys.requireAes256(key, WHERE + ": the key");
        if (salt == null || salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("salt must be " + SALT_LENGTH + " bytes");
        }
        if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunkBytes must be between " + MIN_CHUNK_BYTES + " and "
                + MAX_CHUNK_BYTES + ", got " + chunkBytes);
        }
        if (clearPrefixBytes < 0 || clearPrefixBytes > AesGcmFormat.MAX_CLEAR_PREFIX_BYTES) {
            throw new IllegalArgumentException("clearPrefixBytes must be between 0 and "
                + AesGcmFormat.MAX_CLEAR_PREFIX_BYTES + ", got " + clearPrefixBytes);
        }
        final byte[] fileHeader = fileHeader(chunkBytes, salt);
        out.write(fileHeader);

        final Cipher cipher = newCipher();
        final byte[] plaintext = new byte[clearPrefixBytes + chunkBytes];
        long sequence = 0;
        long offset = 0;
        long total = 0;
        while (true) {
            // A record is a header of clearPrefixBytes (none when 0), then up to chunkBytes of data.
            // readNBytes fills what it is asked for unless the input ended, so a short record is the last
            // data record and the next reads give 0: that is where the end record goes.
            final int clear = in.readNBytes(plaintext, 0, clearPrefixBytes);
            final int data = clear < clearPrefixBytes ? 0 : in.readNBytes(plaintext, clear, chunkBytes);
            final int length = clear + data;
            final boolean end = length == 0;
            final byte[] recordHeader = recordHeader(sequence, offset, length,
                end ? FLAG_FINAL : clear > 0 ? FLAG_CLEAR_PREFIX | clear << 8 : 0);
            final byte[] sealed;
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce(salt, sequence, end)));
                cipher.updateAAD(fileHeader);
                cipher.updateAAD(recordHeader);
                cipher.updateAAD(plaintext, 0, clear);
                sealed = cipher.doFinal(plaintext, clear, data);
            } catch (GeneralSecurityException e) {
                throw AesGcmErrors.cipherFailed(WHERE, sequence, e);
            }
            out.write(recordHeader);
            out.write(plaintext, 0, clear);
            out.write(sealed);
            if (end) {
                return total;
            }
            sequence++;
            // The clear prefix is a header in front of the record's data, outside the plaintext offsets.
            offset += data;
            total += length;
        }
    }

    /**
     * Verifies and decrypts all of {@code in} to {@code out}; see {@link #decrypt(InputStream, OutputStream,
     * SecretKey, String)}.
     */
    public static long decrypt(InputStream in, OutputStream out, SecretKey key) throws IOException {
        return decrypt(in, out, key, WHERE);
    }

    /**
     * Verifies and decrypts all of {@code in} to {@code out}.
     *
     * @param where starts every error message, e.g. the stage this runs for
     * @return the number of plaintext bytes written
     * @throws DeviceException {@code BAD_KEY}, {@code BAD_FORMAT}, {@code TRUNCATED} or {@code AUTH_FAILED},
     *                         naming the record and byte position
     * @throws IOException     from the streams
     */
    public static long decrypt(InputStream in, OutputStream out, SecretKey key, String where) throws IOException {
        AesGcmKeys.requireAes256(key, where + ": the key");
        final byte[] fileHeader = new byte[FILE_HEADER_LENGTH];
        final int headerRead = in.readNBytes(fileHeader, 0, FILE_HEADER_LENGTH);
        if (headerRead >= MAGIC_LENGTH && !Arrays.equals(fileHeader, 0, MAGIC_LENGTH, AesGcmFormat.magic(), 0,
            MAGIC_LENGTH)) {
            throw AesGcmErrors.badMagic(where);
        }
        if (headerRead < FILE_HEADER_LENGTH) {
            throw AesGcmErrors.truncatedInFileHeader(where, headerRead);
        }
        final ByteBuffer header = ByteBuffer.wrap(fileHeader).order(ByteOrder.LITTLE_ENDIAN);
        final int version = header.getShort(8) & 0xFFFF;
        final int flags = header.getShort(10) & 0xFFFF;
        final long chunkBytes = header.getInt(12) & 0xFFFF_FFFFL;
        final byte[] salt = Arrays.copyOfRange(fileHeader, 16, 16 + SALT_LENGTH);
        final boolean reservedZero = header.getInt(28) == 0;
        if (version != VERSION) {
            throw AesGcmErrors.badVersion(where, version);
        }
        if (flags != 0 || !reservedZero) {
            throw AesGcmErrors.badHeaderBits(where, flags, reservedZero);
        }
        if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) {
            throw AesGcmErrors.badChunkSize(where, chunkBytes);
        }

        final Cipher cipher = newCipher();
        final byte[] recordHeader = new byte[RECORD_HEADER_LENGTH];
        final byte[] sealed = new byte[(int) chunkBytes + AesGcmFormat.MAX_CLEAR_PREFIX_BYTES + TAG_LENGTH];
        long position = FILE_HEADER_LENGTH;
        long sequence = 0;
        long offset = 0;
        long written = 0;
        while (true) {
            final long recordPosition = position;
            final int headerLength = in.readNBytes(recordHeader, 0, RECORD_HEADER_LENGTH);
            if (headerLength == 0) {
                throw AesGcmErrors.truncatedAtRecord(where, sequence, position);
            }
            if (headerLength < RECORD_HEADER_LENGTH) {
                throw AesGcmErrors.truncatedInRecord(where, sequence, recordPosition, position + headerLength);
            }
            final ByteBuffer record = ByteBuffer.wrap(recordHeader).order(ByteOrder.LITTLE_ENDIAN);
            final long claimedSequence = record.getLong(0);
            final long claimedOffset = record.getLong(8);
            final long length = record.getInt(16) & 0xFFFF_FFFFL;
            final int recordFlags = record.getInt(20);
            final boolean end = (recordFlags & FLAG_FINAL) != 0;
            // Bits 8 to 31 are the clear-prefix length when CLEAR_PREFIX is set.
            final int clear = (recordFlags & FLAG_CLEAR_PREFIX) != 0 ? recordFlags >>> 8 : 0;
            if (clear > length || clear > AesGcmFormat.MAX_CLEAR_PREFIX_BYTES) {
                throw AesGcmErrors.clearPrefixTooLong(where, sequence, recordPosition, clear, length);
            }
            if (length - clear > chunkBytes) {
                throw AesGcmErrors.recordTooLong(where, sequence, recordPosition, length - clear, chunkBytes);
            }
            final int sealedLength = (int) length + TAG_LENGTH;
            final int bodyLength = in.readNBytes(sealed, 0, sealedLength);
            if (bodyLength < sealedLength) {
                throw AesGcmErrors.truncatedInRecord(where, sequence, recordPosition,
                    position + RECORD_HEADER_LENGTH + bodyLength);
            }
            final byte[] plaintext;
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce(salt, sequence, end)));
                cipher.updateAAD(fileHeader);
                cipher.updateAAD(recordHeader);
                cipher.updateAAD(sealed, 0, clear);
                plaintext = cipher.doFinal(sealed, clear, sealedLength - clear);
            } catch (AEADBadTagException e) {
                throw AesGcmErrors.authFailed(where, sequence, recordPosition);
            } catch (GeneralSecurityException e) {
                throw AesGcmErrors.cipherFailed(where, sequence, e);
            }
            final boolean flagsDefined = (recordFlags & 0xFF & ~(FLAG_FINAL | FLAG_CLEAR_PREFIX)) == 0
                && (clear > 0 ? !end : recordFlags >>> 8 == 0 && (recordFlags & FLAG_CLEAR_PREFIX) == 0)
                && (!end || length == 0);
            if (claimedSequence != sequence || claimedOffset != offset || !flagsDefined) {
                throw AesGcmErrors.inconsistentRecord(where, sequence, recordPosition, offset, claimedSequence,
                    claimedOffset, length, recordFlags);
            }
            out.write(sealed, 0, clear);
            out.write(plaintext);
            position += RECORD_HEADER_LENGTH + sealedLength;
            sequence++;
            offset += length - clear;
            written += length;
            if (end) {
                if (in.read() != -1) {
                    throw AesGcmErrors.dataAfterEnd(where, position);
                }
                return written;
            }
        }
    }

    /** The stream's file header; shared with the software path ({@link AesGcmSoftwareEncrypt}). */
    static byte[] fileHeader(int chunkBytes, byte[] salt) {
        return ByteBuffer.allocate(FILE_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
            .put(AesGcmFormat.magic())
            .putShort((short) VERSION)
            .putShort((short) 0)
            .putInt(chunkBytes)
            .put(salt)
            .putInt(0)
            .array();
    }

    static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw AesGcmErrors.cipherFailed(WHERE, 0, e);
        }
    }

    static byte[] recordHeader(long sequence, long offset, int length, int flags) {
        return ByteBuffer.allocate(RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
            .putLong(sequence)
            .putLong(offset)
            .putInt(length)
            .putInt(flags)
            .array();
    }

    /** salt XOR (kind as uint32 big-endian · sequence as uint64 big-endian); kind 1 for the end record. */
    static byte[] nonce(byte[] salt, long sequence, boolean end) {
        final byte[] mask = ByteBuffer.allocate(NONCE_LENGTH).order(ByteOrder.BIG_ENDIAN)
            .putInt(end ? AesGcmFormat.NONCE_KIND_END : AesGcmFormat.NONCE_KIND_DATA)
            .putLong(sequence)
            .array();
        final byte[] nonce = new byte[NONCE_LENGTH];
        for (int i = 0; i < NONCE_LENGTH; i++) {
            nonce[i] = (byte) (salt[i] ^ mask[i]);
        }
        return nonce;
    }
}
