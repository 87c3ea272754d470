package io.flowswitch.devices.crypto;

import io.flowswitch.devices.FlowContext;
import java.nio.charset.StandardCharsets;

/**
 * Constants of the flowswitch encrypted stream format, version 1; the normative description, with the
 * byte layouts, nonce derivation, associated data and the checks a decryptor must make, is
 * {@code docs/encrypted-format.md}.
 *
 * <pre>
 *  stream  = file header (32 bytes) · record* · final record
 *  record  = record header (24 bytes) · clear prefix (P bytes) · ciphertext (plaintext length − P bytes)
 *            · GCM tag (16 bytes); P is 0 unless the record is flagged CLEAR_PREFIX
 *  nonce   = salt XOR (kind as uint32 big-endian · sequence as uint64 big-endian), kind 1 for the end record
 *  AAD     = file header · record header · clear prefix
 * </pre>
 *
 * All multi-byte header fields are little-endian. Holds no state and owns no buffers; the flyweights
 * {@link AesGcmFileHeader} and {@link AesGcmRecordHeader} read and write the headers in place.
 */
public final class AesGcmFormat {
    /** The 8 ASCII bytes {@code FLOWSWGC} that open every stream. */
    public static final String MAGIC_TEXT = "FLOWSWGC";
    /** The format version this code writes and the only one it reads. */
    public static final int VERSION = 1;

    /** Length of the file header. */
    public static final int FILE_HEADER_LENGTH = 32;
    /** File header: offset of the magic (8 bytes). */
    public static final int MAGIC_OFFSET = 0;
    /** Length of the magic. */
    public static final int MAGIC_LENGTH = 8;
    /** File header: offset of the version (uint16). */
    public static final int VERSION_OFFSET = 8;
    /** File header: offset of the flags (uint16); no flag is defined in version 1, so it must be 0. */
    public static final int FILE_FLAGS_OFFSET = 10;
    /** File header: offset of the chunk size in plaintext bytes (uint32), the most any record carries. */
    public static final int CHUNK_BYTES_OFFSET = 12;
    /** File header: offset of the random per-stream salt. */
    public static final int SALT_OFFSET = 16;
    /** Length of the salt: the GCM nonce length. */
    public static final int SALT_LENGTH = 12;
    /** File header: offset of the reserved bytes, which must be zero. */
    public static final int RESERVED_OFFSET = 28;
    /** Length of the reserved bytes. */
    public static final int RESERVED_LENGTH = 4;

    /** Length of a record header. */
    public static final int RECORD_HEADER_LENGTH = 24;
    /** Record header: offset of the record's sequence number (uint64), 0 for the first record. */
    public static final int SEQUENCE_OFFSET = 0;
    /** Record header: offset of the position of the record's first plaintext byte in the plaintext (uint64). */
    public static final int PLAINTEXT_OFFSET_OFFSET = 8;
    /** Record header: offset of the plaintext length (uint32), which is also the ciphertext length. */
    public static final int PLAINTEXT_LENGTH_OFFSET = 16;
    /** Record header: offset of the record flags (uint32). */
    public static final int RECORD_FLAGS_OFFSET = 20;
    /** Record flag: the end record; it carries no plaintext and nothing may follow it. */
    public static final int FLAG_FINAL = 1;
    /**
     * Record flag: the first {@link #clearPrefixLength} plaintext bytes of the record are stored as they
     * are and authenticated as associated data, not encrypted (a header left readable for the devices
     * after the cipher); the rest is encrypted as usual.
     */
    public static final int FLAG_CLEAR_PREFIX = 2;
    /**
     * The most bytes a record may leave in the clear: a header, not data. A record carries at most chunk
     * size encrypted bytes plus its clear prefix, so a decryptor still knows its bound before it reads.
     */
    public static final int MAX_CLEAR_PREFIX_BYTES = 64;
    /** The bits of the record flags word that are flags; the bits above hold the clear-prefix length. */
    public static final int RECORD_FLAG_BITS = 0xFF;
    /** The clear-prefix length is the record flags word shifted right by this many bits (uint24). */
    public static final int CLEAR_PREFIX_SHIFT = 8;

    /** Length of the GCM authentication tag that ends every record. */
    public static final int TAG_LENGTH = 16;
    /** The tag length in bits, as {@link javax.crypto.spec.GCMParameterSpec} wants it. */
    public static final int TAG_BITS = TAG_LENGTH * 8;
    /** Nonce derivation: the kind of every record but the end record. */
    public static final int NONCE_KIND_DATA = 0;
    /**
     * Nonce derivation: the kind of the end record. It keeps the end record's nonce apart from any data
     * record's, even one with the same sequence written by a confused writer (two replicas that each end
     * the stream, a re-issued empty chunk): such a stream then fails to decrypt instead of reusing a nonce.
     */
    public static final int NONCE_KIND_END = 1;
    /** Length of the GCM nonce. */
    public static final int NONCE_LENGTH = 12;
    /** Length of an AES-256 key. */
    public static final int KEY_LENGTH = 32;
    /** Bytes a record adds to its plaintext: header and tag. */
    public static final int RECORD_OVERHEAD = RECORD_HEADER_LENGTH + TAG_LENGTH;
    /** Length of the associated data of every record: file header and record header. */
    public static final int AAD_LENGTH = FILE_HEADER_LENGTH + RECORD_HEADER_LENGTH;

    /** Smallest chunk size a stream may declare. */
    public static final int MIN_CHUNK_BYTES = 1;
    /** Largest chunk size a stream may declare; a decryptor never needs a bigger record buffer. */
    public static final int MAX_CHUNK_BYTES = FlowContext.MAX_CHUNK_BYTES;

    private static final byte[] MAGIC = MAGIC_TEXT.getBytes(StandardCharsets.US_ASCII);

    private AesGcmFormat() {
    }

    /**
     * The record flags word for a record: FINAL for the end record, and CLEAR_PREFIX with the length for
     * a record whose first {@code clearPrefixBytes} bytes are left in the clear (0 for none).
     */
    public static int recordFlags(boolean endRecord, int clearPrefixBytes) {
        return (endRecord ? FLAG_FINAL : 0)
            | (clearPrefixBytes > 0 ? FLAG_CLEAR_PREFIX | clearPrefixBytes << CLEAR_PREFIX_SHIFT : 0);
    }

    /** The clear-prefix length a record flags word declares: 0 unless it has CLEAR_PREFIX. */
    public static long clearPrefixLength(int recordFlags) {
        return (recordFlags & FLAG_CLEAR_PREFIX) == 0 ? 0 : recordFlags >>> CLEAR_PREFIX_SHIFT;
    }

    /**
     * Whether a record flags word is one a writer may produce for a record of {@code plaintextLength}
     * bytes: no undefined flag bit; a clear-prefix length only with CLEAR_PREFIX, then 1 to the
     * plaintext length; FINAL only with length 0 and no clear prefix.
     */
    public static boolean recordFlagsValid(int recordFlags, long plaintextLength) {
        if ((recordFlags & RECORD_FLAG_BITS & ~(FLAG_FINAL | FLAG_CLEAR_PREFIX)) != 0) {
            return false;
        }
        final long clear = recordFlags >>> CLEAR_PREFIX_SHIFT;
        if ((recordFlags & FLAG_CLEAR_PREFIX) == 0) {
            return clear == 0 && ((recordFlags & FLAG_FINAL) == 0 || plaintextLength == 0);
        }
        return clear >= 1 && clear <= Math.min(plaintextLength, MAX_CLEAR_PREFIX_BYTES)
            && (recordFlags & FLAG_FINAL) == 0;
    }

    /** A fresh copy of the magic bytes. */
    public static byte[] magic() {
        return MAGIC.clone();
    }

    /** Byte {@code index} of the magic, without copying it. */
    static byte magicByte(int index) {
        return MAGIC[index];
    }

    /**
     * Where record {@code sequence}, whose plaintext starts at {@code plaintextOffset}, starts in the
     * encrypted stream; for record 0 this is 0, the start of the file header that precedes it.
     * Every record before it is assumed to be well formed, so this needs no state.
     */
    public static long encryptedOffset(long sequence, long plaintextOffset) {
        return sequence == 0 ? 0 : FILE_HEADER_LENGTH + sequence * RECORD_OVERHEAD + plaintextOffset;
    }

    /** The size of the stream that encrypting {@code plaintextBytes} in full records of {@code chunkBytes} gives. */
    public static long encryptedSize(long plaintextBytes, int chunkBytes) {
        if (plaintextBytes < 0 || chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("plaintextBytes " + plaintextBytes + ", chunkBytes " + chunkBytes);
        }
        final long dataRecords = (plaintextBytes + chunkBytes - 1) / chunkBytes;
        return FILE_HEADER_LENGTH + (dataRecords + 1) * RECORD_OVERHEAD + plaintextBytes;
    }

    /**
     * Derives the nonce of a record: {@code salt XOR (kind as uint32 big-endian · sequence as uint64
     * big-endian)}, where kind is {@link #NONCE_KIND_END} for the end record and {@link #NONCE_KIND_DATA}
     * for every other record. Written into {@code nonce} (caller-owned, reused per record: no array per
     * record).
     */
    static void nonce(byte[] salt, long sequence, boolean endRecord, byte[] nonce) {
        System.arraycopy(salt, 0, nonce, 0, NONCE_LENGTH);
        if (endRecord) {
            nonce[3] ^= (byte) NONCE_KIND_END;
        }
        for (int i = 0; i < 8; i++) {
            nonce[NONCE_LENGTH - 1 - i] ^= (byte) (sequence >>> (8 * i));
        }
    }
}
