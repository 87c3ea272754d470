package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.AesGcmFormat.FILE_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.MAGIC_TEXT;
import static io.flowswitch.devices.crypto.AesGcmFormat.MAX_CHUNK_BYTES;
import static io.flowswitch.devices.crypto.AesGcmFormat.MIN_CHUNK_BYTES;
import static io.flowswitch.devices.crypto.AesGcmFormat.VERSION;
import static io.flowswitch.devices.crypto.AesGcmFormat.VERSION_OFFSET;

import io.flowswitch.devices.DeviceException;

/**
 * The errors of the encrypted format, in one place so that the devices and the software reference say
 * exactly the same thing for the same stream. Each message is one sentence that starts with
 * {@code where} (a stage, or the reference) and names the record and byte position.
 */
final class AesGcmErrors {
    /** A tag did not verify. */
    static final String AUTH_FAILED = "AUTH_FAILED";
    /** The stream ended before its end record. */
    static final String TRUNCATED = "TRUNCATED";
    /** Not this format, an unknown version, a malformed header, or data after the end record. */
    static final String BAD_FORMAT = "BAD_FORMAT";
    /** The key is not a 32-byte AES key. */
    static final String BAD_KEY = "BAD_KEY";
    /** The stream's chunk size is larger than the flow's chunks can hold. */
    static final String BAD_CHUNK_SIZE = "BAD_CHUNK_SIZE";
    /** An input chunk the encrypt device cannot turn into a record. */
    static final String BAD_INPUT = "BAD_INPUT";
    /** The JDK cipher failed for a reason other than authentication (a bug, not bad data). */
    static final String CIPHER = "CIPHER";

    private AesGcmErrors() {
    }

    static DeviceException authFailed(String where, long sequence, long recordPosition) {
        return new DeviceException(AUTH_FAILED, where + ": record " + sequence + " at byte " + recordPosition
            + " of the encrypted stream failed authentication: wrong key, or the stream was modified, reordered,"
            + " replayed or spliced");
    }

    static DeviceException truncatedInFileHeader(String where, long position) {
        return new DeviceException(TRUNCATED, where + ": the encrypted stream ended at byte " + position
            + ", before the end of its " + FILE_HEADER_LENGTH + "-byte file header");
    }

    static DeviceException truncatedAtRecord(String where, long sequence, long position) {
        return new DeviceException(TRUNCATED, where + ": the encrypted stream ended at byte " + position
            + ", where record " + sequence + " should start, without its end record: it was truncated");
    }

    static DeviceException truncatedInRecord(String where, long sequence, long recordPosition, long position) {
        return new DeviceException(TRUNCATED, where + ": the encrypted stream ended at byte " + position
            + ", inside record " + sequence + " that starts at byte " + recordPosition + ": it was truncated");
    }

    static DeviceException badMagic(String where) {
        return new DeviceException(BAD_FORMAT, where + ": not a flowswitch encrypted stream: bytes 0 to 7 are not \""
            + MAGIC_TEXT + "\"");
    }

    static DeviceException badVersion(String where, int version) {
        return new DeviceException(BAD_FORMAT, where + ": the encrypted stream has version " + version + " at byte "
            + VERSION_OFFSET + ", but this build reads only version " + VERSION);
    }

    static DeviceException badHeaderBits(String where, int flags, boolean reservedZero) {
        return new DeviceException(BAD_FORMAT, where + ": the file header has "
            + (flags != 0 ? "flags " + flags + " at byte 10" : "non-zero reserved bytes 28 to 31")
            + (flags != 0 && !reservedZero ? " and non-zero reserved bytes 28 to 31" : "")
            + ", which version " + VERSION + " does not define");
    }

    static DeviceException badChunkSize(String where, long chunkBytes) {
        return new DeviceException(BAD_FORMAT, where + ": the file header declares a chunk size of " + chunkBytes
            + " bytes at byte 12, but it must be between " + MIN_CHUNK_BYTES + " and " + MAX_CHUNK_BYTES);
    }

    static DeviceException chunkTooLargeForFlow(String where, long streamChunkBytes, int flowChunkBytes) {
        return new DeviceException(BAD_CHUNK_SIZE, where + ": the stream was written with " + streamChunkBytes
            + "-byte chunks, larger than this flow's " + flowChunkBytes + "-byte chunks; run the flow with a chunk"
            + " size of at least " + streamChunkBytes + " bytes");
    }

    static DeviceException recordTooLong(String where, long sequence, long recordPosition, long length,
                                         long chunkBytes) {
        return new DeviceException(BAD_FORMAT, where + ": record " + sequence + " at byte " + recordPosition
            + " claims " + length + " plaintext bytes to decrypt, more than the stream's chunk size of " + chunkBytes);
    }

    static DeviceException clearPrefixTooLong(String where, long sequence, long recordPosition, long clear,
                                              long length) {
        return new DeviceException(BAD_FORMAT, where + ": record " + sequence + " at byte " + recordPosition
            + " claims a clear prefix of " + clear + " bytes, more than its " + length + " plaintext bytes or the"
            + " format's most of " + AesGcmFormat.MAX_CLEAR_PREFIX_BYTES);
    }

    static DeviceException inconsistentRecord(String where, long expectedSequence, long recordPosition,
                                              long expectedOffset, long sequence, long plaintextOffset,
                                              long plaintextLength, int flags) {
        return new DeviceException(BAD_FORMAT, where + ": record " + expectedSequence + " at byte " + recordPosition
            + " is authentic but its header says sequence " + sequence + ", plaintext offset " + plaintextOffset
            + ", length " + plaintextLength + ", flags " + flags + " where sequence " + expectedSequence
            + ", offset " + expectedOffset + " and only FINAL (with length 0) or CLEAR_PREFIX (with a clear"
            + " length from 1 to the record's length, at most " + AesGcmFormat.MAX_CLEAR_PREFIX_BYTES + ") were expected:"
            + " the writer is broken");
    }

    static DeviceException dataAfterEnd(String where, long position) {
        return new DeviceException(BAD_FORMAT, where + ": data follows the end record, at byte " + position
            + " of the encrypted stream");
    }

    static DeviceException cipherFailed(String where, long sequence, Exception cause) {
        return new DeviceException(CIPHER, where + ": the AES-GCM cipher failed on record " + sequence + ": "
            + cause.getMessage(), cause);
    }
}
