package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.AesGcmFormat.FILE_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.MAGIC_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.MAX_CHUNK_BYTES;
import static io.flowswitch.devices.crypto.AesGcmFormat.MIN_CHUNK_BYTES;
import static io.flowswitch.devices.crypto.AesGcmFormat.RECORD_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.SALT_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.TAG_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.VERSION;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The {@code aes-gcm-decrypt} device: reads an encrypted stream ({@code docs/encrypted-format.md}) that
 * arrives in chunks cut anywhere, checks it, and hands out the plaintext of each authentic record as one
 * chunk.
 *
 * <p>The device is stateful: it keeps the file header, the sequence and plaintext offset it expects next,
 * and a record that spans input chunks, gathered in one buffer of a record's size allocated when the
 * device is created. A record that lies whole inside one input chunk is decrypted from there without a
 * copy. Every record is verified against the nonce of the sequence the device expects, so a record that
 * was modified, moved, replayed or taken from another stream fails with {@code AUTH_FAILED}; a stream that
 * ends before its end record fails with {@code TRUNCATED}; a stream that is not this format, or that goes
 * on after its end record, fails with {@code BAD_FORMAT}. Plaintext is handed out only after its record's
 * tag verified; the stream as a whole is complete only when the device reports finished.
 *
 * <p>An output chunk carries the record's plaintext at {@link Chunk#HEADROOM}; its header has the flow id,
 * the record's sequence as sequence and its plaintext offset as byte offset, and {@link ChunkFlags#FIRST}
 * on record 0. A record flagged CLEAR_PREFIX gives its clear bytes, which its tag covers, followed by
 * the decrypted rest: the chunk the encryptor was given. The end record gives no chunk; an empty data record gives an empty chunk, so that sequence
 * numbers downstream stay contiguous.
 *
 * <p>Ownership: an input chunk belongs to the device from {@link #accept} until it has been read, when the
 * device releases it; output chunks come from the pool passed to {@link #poll} and belong to the caller
 * once returned. After an error the device releases its input and throws the same error again on every
 * call. One thread at a time, as every device.
 */
public final class AesGcmDecryptDevice implements TransformDevice {
    private enum State {
        FILE_HEADER, RECORD_HEADER, RECORD_BODY, RECORD_READY, DONE, FAILED
    }

    private static final byte[] NO_OUTPUT = new byte[0];

    private final String stage;
    private final long flowId;
    private final int flowChunkBytes;
    private final RecordCipher cipher;
    private final byte[] fileHeader = new byte[FILE_HEADER_LENGTH];
    private final AesGcmFileHeader fileHeaderView = new AesGcmFileHeader();
    private final byte[] salt = new byte[SALT_LENGTH];
    /** One whole record (header, ciphertext, tag) when it spans input chunks. */
    private final byte[] assembly;
    private final UnsafeBuffer assemblyBuffer;
    private final AesGcmRecordHeader record = new AesGcmRecordHeader();

    private State state = State.FILE_HEADER;
    private DeviceException failure;
    private boolean ended;
    private Chunk input;
    private int inputAt;
    private int inputEnd;

    /** Bytes of the encrypted stream consumed so far, for messages. */
    private long position;
    /** Bytes of the file header or of the current record gathered so far. */
    private int gathered;
    private long streamChunkBytes;
    private long expectedSequence;
    private long expectedOffset;
    /** Where the current record starts in the stream. */
    private long recordPosition;
    /** Ciphertext plus tag of the current record. */
    private int sealedLength;
    /** The complete current record lies in the input chunk rather than in {@link #assembly}. */
    private boolean recordInInput;
    private byte[] recordArray;
    private int recordAt;

    AesGcmDecryptDevice(String stage, long flowId, int flowChunkBytes, SecretKey key) {
        this.stage = stage;
        this.flowId = flowId;
        this.flowChunkBytes = flowChunkBytes;
        this.cipher = new RecordCipher(stage, key);
        this.assembly = new byte[RECORD_HEADER_LENGTH + AesGcmFormat.MAX_CLEAR_PREFIX_BYTES + flowChunkBytes
            + TAG_LENGTH];
        this.assemblyBuffer = new UnsafeBuffer(assembly);
        fileHeaderView.wrap(new UnsafeBuffer(fileHeader), 0);
    }

    @Override
    public boolean needsInput() {
        return !ended && input == null && state != State.RECORD_READY && state != State.FAILED;
    }

    @Override
    public void accept(Chunk chunk) {
        if (state == State.FAILED) {
            chunk.release();
            throw failure;
        }
        if (!needsInput()) {
            chunk.release();
            throw new IllegalStateException(stage + ": accept() while input is pending or after end of input");
        }
        input = chunk;
        inputAt = chunk.payloadOffset();
        inputEnd = chunk.payloadEnd();
    }

    @Override
    public void endOfInput() {
        ended = true;
    }

    @Override
    public Chunk poll(ChunkPool pool) {
        if (state == State.FAILED) {
            throw failure;
        }
        try {
            while (true) {
                if (state == State.RECORD_READY) {
                    // The end record carries nothing, so it needs no chunk; every other record gets one.
                    final boolean endRecord = record.isFinal() && record.plaintextLength() == 0;
                    Chunk out = null;
                    if (!endRecord) {
                        out = pool.acquire();
                        if (out == null) {
                            return null;
                        }
                    }
                    open(out, pool.payloadCapacity());
                    if (out != null) {
                        return out;
                    }
                } else if (input != null && inputAt < inputEnd) {
                    consume();
                } else {
                    if (input != null) {
                        input.release();
                        input = null;
                    }
                    if (!ended || state == State.DONE) {
                        return null;
                    }
                    throw truncated();
                }
            }
        } catch (DeviceException e) {
            state = State.FAILED;
            failure = e;
            if (input != null) {
                input.release();
                input = null;
            }
            throw e;
        }
    }

    @Override
    public boolean isFinished() {
        return ended && input == null && state == State.DONE;
    }

    @Override
    public void close() {
        if (input != null) {
            input.release();
            input = null;
        }
    }

    /** Takes what the current state needs from the input chunk. */
    private void consume() {
        final byte[] in = input.array();
        switch (state) {
            case FILE_HEADER: {
                gathered += take(in, fileHeader, gathered, FILE_HEADER_LENGTH - gathered);
                if (gathered >= MAGIC_LENGTH && !fileHeaderView.hasMagic()) {
                    // Say "not this format" as early as possible rather than "truncated" for a short file.
                    throw AesGcmErrors.badMagic(stage);
                }
                if (gathered == FILE_HEADER_LENGTH) {
                    readFileHeader();
                    gathered = 0;
                    state = State.RECORD_HEADER;
                }
                break;
            }
            case RECORD_HEADER: {
                if (gathered == 0) {
                    recordPosition = position;
                    if (inputEnd - inputAt >= RECORD_HEADER_LENGTH) {
                        record.wrap(input.buffer(), inputAt);
                        final int sealed = checkedSealedLength();
                        if (inputEnd - inputAt >= RECORD_HEADER_LENGTH + sealed) {
                            // The whole record is in this chunk: decrypt it from there, no copy.
                            recordInInput = true;
                            recordArray = in;
                            recordAt = inputAt;
                            sealedLength = sealed;
                            state = State.RECORD_READY;
                            break;
                        }
                    }
                }
                gathered += take(in, assembly, gathered, RECORD_HEADER_LENGTH - gathered);
                if (gathered == RECORD_HEADER_LENGTH) {
                    record.wrap(assemblyBuffer, 0);
                    sealedLength = checkedSealedLength();
                    state = State.RECORD_BODY;
                }
                break;
            }
            case RECORD_BODY: {
                final int total = RECORD_HEADER_LENGTH + sealedLength;
                gathered += take(in, assembly, gathered, total - gathered);
                if (gathered == total) {
                    recordInInput = false;
                    recordArray = assembly;
                    recordAt = 0;
                    state = State.RECORD_READY;
                }
                break;
            }
            case DONE:
                throw AesGcmErrors.dataAfterEnd(stage, position);
            default:
                throw new IllegalStateException(stage + ": consume() in state " + state);
        }
    }

    /** Copies up to {@code wanted} input bytes into {@code target} at {@code at}; returns how many. */
    private int take(byte[] in, byte[] target, int at, int wanted) {
        final int n = Math.min(wanted, inputEnd - inputAt);
        System.arraycopy(in, inputAt, target, at, n);
        inputAt += n;
        position += n;
        return n;
    }

    private void readFileHeader() {
        if (fileHeaderView.version() != VERSION) {
            throw AesGcmErrors.badVersion(stage, fileHeaderView.version());
        }
        if (fileHeaderView.flags() != 0 || !fileHeaderView.reservedIsZero()) {
            throw AesGcmErrors.badHeaderBits(stage, fileHeaderView.flags(), fileHeaderView.reservedIsZero());
        }
        final long chunkBytes = fileHeaderView.chunkBytes();
        if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) {
            throw AesGcmErrors.badChunkSize(stage, chunkBytes);
        }
        if (chunkBytes > flowChunkBytes) {
            throw AesGcmErrors.chunkTooLargeForFlow(stage, chunkBytes, flowChunkBytes);
        }
        streamChunkBytes = chunkBytes;
        cipher.salt(fileHeaderView.salt(salt));
    }

    /** The current record's ciphertext plus tag length, once its claimed length is known to be possible. */
    private int checkedSealedLength() {
        final long length = record.plaintextLength();
        final long clear = AesGcmFormat.clearPrefixLength(record.flags());
        // Checked before reading a byte of the body: a hostile length cannot make us wait or allocate.
        if (clear > length || clear > AesGcmFormat.MAX_CLEAR_PREFIX_BYTES) {
            throw AesGcmErrors.clearPrefixTooLong(stage, expectedSequence, recordPosition, clear, length);
        }
        if (length - clear > streamChunkBytes) {
            throw AesGcmErrors.recordTooLong(stage, expectedSequence, recordPosition, length - clear,
                streamChunkBytes);
        }
        return (int) length + TAG_LENGTH;
    }

    /** Verifies and decrypts the complete current record into {@code out}, or, for the end record, nothing. */
    private void open(Chunk out, int outCapacity) {
        final int length = sealedLength - TAG_LENGTH;
        final boolean claimsEnd = record.isFinal();
        // Checked not to exceed the length or the maximum before the body was read; authenticated with the
        // header. The clear bytes go into the output chunk's headroom, so that the rest fits its payload.
        final int clear = (int) AesGcmFormat.clearPrefixLength(record.flags());
        final int outAt = Chunk.HEADROOM - clear;
        if (out != null && length - clear > outCapacity) {
            out.release();
            throw AesGcmErrors.chunkTooLargeForFlow(stage, streamChunkBytes, outCapacity);
        }
        final int bodyAt = recordAt + RECORD_HEADER_LENGTH;
        cipher.startOpen(expectedSequence, claimsEnd);
        cipher.aad(fileHeader, 0, FILE_HEADER_LENGTH);
        cipher.aad(recordArray, recordAt, RECORD_HEADER_LENGTH + clear);
        try {
            if (out == null) {
                cipher.finishOpen(recordArray, bodyAt + clear, sealedLength - clear, NO_OUTPUT, 0);
            } else {
                if (clear > 0) {
                    System.arraycopy(recordArray, bodyAt, out.array(), outAt, clear);
                }
                cipher.finishOpen(recordArray, bodyAt + clear, sealedLength - clear, out.array(),
                    Chunk.HEADROOM);
            }
        } catch (AEADBadTagException e) {
            if (out != null) {
                // The JDK zeroes this already; a pooled chunk must not keep unauthenticated bytes either way.
                Arrays.fill(out.array(), outAt, outAt + length, (byte) 0);
                out.release();
            }
            throw AesGcmErrors.authFailed(stage, expectedSequence, recordPosition);
        } catch (RuntimeException e) {
            if (out != null) {
                out.release();
            }
            throw e;
        }
        // Authentic, so these fields come from the key holder; they still must say what we derived.
        if (record.sequence() != expectedSequence || record.plaintextOffset() != expectedOffset
            || !AesGcmFormat.recordFlagsValid(record.flags(), length)) {
            if (out != null) {
                out.release();
            }
            throw AesGcmErrors.inconsistentRecord(stage, expectedSequence, recordPosition, expectedOffset,
                record.sequence(), record.plaintextOffset(), record.plaintextLength(), record.flags());
        }
        if (out != null) {
            out.payload(outAt, length);
            out.header().flowId(flowId).sequence(expectedSequence).byteOffset(expectedOffset)
                .flags(expectedSequence == 0 ? ChunkFlags.FIRST : 0);
        }
        if (recordInInput) {
            inputAt += RECORD_HEADER_LENGTH + sealedLength;
            position += RECORD_HEADER_LENGTH + sealedLength;
        }
        expectedSequence++;
        expectedOffset += length - clear;
        gathered = 0;
        state = claimsEnd ? State.DONE : State.RECORD_HEADER;
    }

    private DeviceException truncated() {
        switch (state) {
            case FILE_HEADER:
                return AesGcmErrors.truncatedInFileHeader(stage, position);
            case RECORD_HEADER:
                return gathered == 0
                    ? AesGcmErrors.truncatedAtRecord(stage, expectedSequence, position)
                    : AesGcmErrors.truncatedInRecord(stage, expectedSequence, recordPosition, position);
            case RECORD_BODY:
                return AesGcmErrors.truncatedInRecord(stage, expectedSequence, recordPosition, position);
            default:
                throw new IllegalStateException(stage + ": truncated() in state " + state);
        }
    }
}
