package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.AesGcmFormat.FILE_HEADER_LENGTH;
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
        AesGcmKeys.requireAes256(key, WHERE + ": the key");
        if (salt == null || salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("salt must be " + SALT_LENGTH + " bytes");
        }
        if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunkBytes must be between " + MIN_CHUNK_BYTES + " and "
                + MAX_CHUNK_BYTES + ", got " + chunkBytes);
        }
        final byte[] fileHeader = fileHeader(chunkBytes, salt);
        out.write(fileHeader);

        final Cipher cipher = newCipher();
        final byte[] plaintext = new byte[chunkBytes];
        long sequence = 0;
        long offset = 0;
        while (true) {
            final int length = in.readNBytes(plaintext, 0, chunkBytes);
            // readNBytes fills the buffer unless the input ended, so a short record is the last data
            // record and the next read gives 0: that is where the end record goes.
            final boolean end = length == 0;
            final byte[] recordHeader = recordHeader(sequence, offset, length, end ? FLAG_FINAL : 0);
            final byte[] sealed;
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce(salt, sequence, end)));
                cipher.updateAAD(fileHeader);
                cipher.updateAAD(recordHeader);
                sealed = cipher.doFinal(plaintext, 0, length);
            } catch (GeneralSecurityException e) {
                throw AesGcmErrors.cipherFailed(WHERE, sequence, e);
            }
            out.write(recordHeader);
            out.write(sealed);
            if (end) {
                return offset;
            }
            sequence++;
            offset += length;
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
        final byte[] sealed = new byte[(int) chunkBytes + TAG_LENGTH];
        long position = FILE_HEADER_LENGTH;
        long sequence = 0;
        long offset = 0;
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
            if (length > chunkBytes) {
                throw AesGcmErrors.recordTooLong(where, sequence, recordPosition, length, chunkBytes);
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
                plaintext = cipher.doFinal(sealed, 0, sealedLength);
            } catch (AEADBadTagException e) {
                throw AesGcmErrors.authFailed(where, sequence, recordPosition);
            } catch (GeneralSecurityException e) {
                throw AesGcmErrors.cipherFailed(where, sequence, e);
            }
            if (claimedSequence != sequence || claimedOffset != offset || (recordFlags & ~FLAG_FINAL) != 0
                || (end && length != 0)) {
                throw AesGcmErrors.inconsistentRecord(where, sequence, recordPosition, offset, claimedSequence,
                    claimedOffset, length, recordFlags);
            }
            out.write(plaintext);
            position += RECORD_HEADER_LENGTH + sealedLength;
            sequence++;
            offset += length;
            if (end) {
                if (in.read() != -1) {
                    throw AesGcmErrors.dataAfterEnd(where, position);
                }
                return offset;
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
