package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.AesGcmFormat.FILE_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.FLAG_FINAL;
import static io.flowswitch.devices.crypto.AesGcmFormat.MAX_CLEAR_PREFIX_BYTES;
import static io.flowswitch.devices.crypto.AesGcmFormat.RECORD_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.RECORD_OVERHEAD;
import static io.flowswitch.devices.crypto.AesGcmFormat.TAG_LENGTH;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkHeader;
import io.flowswitch.devices.chunk.ChunkPool;
import javax.crypto.SecretKey;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The {@code aes-gcm-encrypt} device: turns each plaintext chunk into one record of the encrypted stream
 * format ({@code docs/encrypted-format.md}), in place, and ends the stream with the end record.
 *
 * <p>Each chunk is encrypted where it lies: the ciphertext overwrites the plaintext, the tag goes into
 * the chunk's tailroom, the record header (and, for the chunk with sequence 0, the file header before it)
 * into its headroom. The record takes its sequence and plaintext offset from the chunk header, so records
 * are independent of each other: any chunk can be re-issued and comes out byte-identical. On the way out
 * the chunk header's byte offset becomes the position of the chunk's first byte in the encrypted stream
 * ({@link AesGcmFormat#encryptedOffset}); flow id, sequence and flags stay, except that the chunk that
 * carries the end record is flagged {@link ChunkFlags#LAST}.
 *
 * <p>A chunk with a pass-through range that starts at 0 (FML {@code pass 0..N}) becomes a record flagged
 * {@link AesGcmFormat#FLAG_CLEAR_PREFIX}: its first bytes, up to N, stay as they are and are authenticated
 * as associated data, the rest is encrypted. A range that starts later is refused ({@code BAD_INPUT}).
 *
 * <p>The end record is written once: appended in place to a chunk flagged {@link ChunkFlags#LAST}, or, when
 * no chunk said it was last, at end of input. An empty chunk is held back until the next chunk or the end
 * of input shows whether it was the last one; at the end it becomes the end record itself, so an empty
 * flow gives the file header and the end record whether it arrived as no chunk or as one empty chunk.
 * At end of input the device takes one chunk from the pool for the end record if it needs it.
 *
 * <p>Ownership: an input chunk belongs to the device from {@link #accept} until {@link #poll} hands it
 * out (the same chunk, now holding the record); a chunk taken from the pool belongs to the caller once
 * polled. {@link #close} releases whatever the device still holds. One thread at a time, as every device.
 */
public final class AesGcmEncryptDevice implements TransformDevice {
    private final String stage;
    private final long flowId;
    private final int chunkBytes;
    private final RecordCipher cipher;
    private final byte[] fileHeader = new byte[FILE_HEADER_LENGTH];
    private final AesGcmRecordHeader record = new AesGcmRecordHeader();
    private final boolean replica;

    /** Output ready to hand out, first in first out; an accept can make two (a held empty chunk and itself). */
    private Chunk readyFirst;
    private Chunk readySecond;
    /** An empty chunk that becomes either an empty record or the end record. */
    private Chunk heldEmpty;
    private boolean ended;
    private boolean endRecordWritten;
    private boolean endChunkPending;
    /** Sequence and plaintext offset of the end record if this device has to write it. */
    private long nextSequence;
    private long nextPlaintextOffset;

    AesGcmEncryptDevice(String stage, long flowId, int chunkBytes, SecretKey key, byte[] salt) {
        this(stage, flowId, chunkBytes, key, salt, false);
    }

    /**
     * @param replica whether other instances encrypt other chunks of the same stream: then only the chunk
     *                flagged LAST gets the end record, never the end of this instance's input
     */
    AesGcmEncryptDevice(String stage, long flowId, int chunkBytes, SecretKey key, byte[] salt, boolean replica) {
        this.stage = stage;
        this.flowId = flowId;
        this.chunkBytes = chunkBytes;
        this.replica = replica;
        this.cipher = new RecordCipher(stage, key).salt(salt);
        new AesGcmFileHeader().wrap(new UnsafeBuffer(fileHeader), 0).write(chunkBytes, salt);
    }

    /** A copy of the stream's file header (it carries the salt, which is not secret). */
    public byte[] fileHeader() {
        return fileHeader.clone();
    }

    @Override
    public boolean needsInput() {
        return !ended && readyFirst == null;
    }

    @Override
    public void accept(Chunk input) {
        if (!needsInput()) {
            input.release();
            throw new IllegalStateException(stage + ": accept() while output is pending or after end of input");
        }
        try {
            check(input);
            if (heldEmpty != null) {
                // More input came, so the held empty chunk was not the last: it is an empty data record.
                final Chunk held = heldEmpty;
                heldEmpty = null;
                sealOrRelease(held, false);
                ready(held);
            }
            final ChunkHeader header = input.header();
            if (header.sequence() >= nextSequence) {
                nextSequence = header.sequence() + 1;
                // A clear prefix is a header in front of the chunk's data, outside the plaintext offsets.
                nextPlaintextOffset = header.byteOffset() + input.payloadLength()
                    - clearPrefixBytes(header, input.payloadLength());
            }
            final boolean last = header.hasFlag(ChunkFlags.LAST);
            // A replica cannot know whether an unflagged empty chunk is the last: it seals it as data.
            if (input.payloadLength() == 0 && !last && !replica) {
                heldEmpty = input;
                return;
            }
            seal(input, last);
            if (last) {
                endRecordWritten = true;
            }
        } catch (RuntimeException e) {
            input.release();
            throw e;
        }
        ready(input);
    }

    @Override
    public void endOfInput() {
        if (ended) {
            return;
        }
        ended = true;
        if (heldEmpty != null) {
            final Chunk held = heldEmpty;
            heldEmpty = null;
            sealOrRelease(held, true);
            endRecordWritten = true;
            ready(held);
        } else if (!endRecordWritten && !replica) {
            endChunkPending = true;
        }
    }

    @Override
    public Chunk poll(ChunkPool pool) {
        if (readyFirst != null) {
            final Chunk out = readyFirst;
            readyFirst = readySecond;
            readySecond = null;
            return out;
        }
        if (!endChunkPending) {
            return null;
        }
        // Nothing said it was last: the end record follows the highest chunk seen. When no chunk came at
        // all its sequence is 0, so seal() puts the file header before it.
        final Chunk end = EndRecordChunk.take(pool, flowId, nextSequence, nextPlaintextOffset,
            chunk -> seal(chunk, true));
        if (end == null) {
            return null;
        }
        endChunkPending = false;
        endRecordWritten = true;
        return end;
    }

    @Override
    public boolean isFinished() {
        return ended && readyFirst == null && heldEmpty == null && !endChunkPending;
    }

    @Override
    public void close() {
        release(readyFirst);
        release(readySecond);
        release(heldEmpty);
        readyFirst = null;
        readySecond = null;
        heldEmpty = null;
    }

    private void check(Chunk input) {
        final ChunkHeader header = input.header();
        final long sequence = header.sequence();
        if (endRecordWritten && sequence >= nextSequence) {
            // A chunk before the end is a re-issue and fine; one beyond it would follow the end record.
            throw badInput("chunk " + sequence + " arrived after chunk " + (nextSequence - 1) + ", which was flagged LAST");
        }
        if (sequence < 0 || header.byteOffset() < 0) {
            throw badInput("chunk " + sequence + " has a negative sequence or byte offset (" + header.byteOffset()
                + ")");
        }
        if (sequence == 0 && header.byteOffset() != 0) {
            throw badInput("chunk 0 starts at byte offset " + header.byteOffset() + " instead of 0");
        }
        if (header.hasFlag(ChunkFlags.PASS_THROUGH) && header.passThroughLength() > 0
            && (header.passThroughOffset() != 0 || header.passThroughLength() > MAX_CLEAR_PREFIX_BYTES)) {
            throw badInput("chunk " + sequence + " asks to pass bytes " + header.passThroughOffset() + " to "
                + (header.passThroughOffset() + header.passThroughLength()) + " through untouched; a record can"
                + " leave only its first " + MAX_CLEAR_PREFIX_BYTES + " bytes or fewer in the clear (a range 0..N)");
        }
        // The clear prefix (a header in front of the chunk's data) comes on top of the chunk size.
        final int encrypted = input.payloadLength() - clearPrefixBytes(header, input.payloadLength());
        if (encrypted > chunkBytes) {
            throw badInput("chunk " + sequence + " carries " + encrypted
                + " bytes to encrypt, more than the flow's chunk size of " + chunkBytes + " that the stream declares");
        }
    }

    private DeviceException badInput(String problem) {
        return new DeviceException(AesGcmErrors.BAD_INPUT, stage + ": " + problem);
    }

    private void sealOrRelease(Chunk chunk, boolean last) {
        try {
            seal(chunk, last);
        } catch (RuntimeException e) {
            chunk.release();
            throw e;
        }
    }

    /**
     * Turns {@code chunk} into its record, in place. With {@code last}, an empty chunk becomes the end
     * record itself and a non-empty one gets the end record appended in its tailroom.
     */
    private void seal(Chunk chunk, boolean last) {
        final ChunkHeader header = chunk.header();
        final long sequence = header.sequence();
        final long plaintextOffset = header.byteOffset();
        final int length = chunk.payloadLength();
        final boolean isEndRecord = last && length == 0;
        final boolean appendEndRecord = last && length > 0;
        final int prefix = RECORD_HEADER_LENGTH + (sequence == 0 ? FILE_HEADER_LENGTH : 0);
        final int suffix = TAG_LENGTH + (appendEndRecord ? RECORD_OVERHEAD : 0);
        final int payloadAt = makeRoom(chunk, prefix, suffix);
        final byte[] array = chunk.array();

        final int recordAt = payloadAt - RECORD_HEADER_LENGTH;
        final int clear = clearPrefixBytes(header, length);
        record.wrap(chunk.buffer(), recordAt).set(sequence, plaintextOffset, length,
            clear == 0 ? (isEndRecord ? FLAG_FINAL : 0) : AesGcmFormat.recordFlags(false, clear));
        if (sequence == 0) {
            System.arraycopy(fileHeader, 0, array, recordAt - FILE_HEADER_LENGTH, FILE_HEADER_LENGTH);
        }
        sealRecord(sequence, isEndRecord, array, recordAt, length, clear);
        int end = payloadAt + length + TAG_LENGTH;
        if (appendEndRecord) {
            // 40 bytes after the tag; the 64-byte tailroom holds tag, end record header and end tag.
            record.wrap(chunk.buffer(), end).set(sequence + 1, plaintextOffset + length - clear, 0, FLAG_FINAL);
            sealRecord(sequence + 1, true, array, end, 0, 0);
            end += RECORD_OVERHEAD;
        }
        final int start = payloadAt - prefix;
        chunk.payload(start, end - start);
        // With clear prefixes this holds when every record has one of the same length (a header program's).
        header.byteOffset(AesGcmFormat.encryptedOffset(sequence, plaintextOffset) + sequence * clear);
        if (last) {
            // The chunk that carries the end record is the last of the encrypted stream, whatever it was before.
            header.flags(header.flags() | ChunkFlags.LAST);
        }
    }

    /**
     * How many leading payload bytes stay in the clear: the pass-through range (which {@link #check} made
     * sure starts at 0), cut to the payload; 0 for a chunk without one.
     */
    private static int clearPrefixBytes(ChunkHeader header, int length) {
        return header.hasFlag(ChunkFlags.PASS_THROUGH) ? Math.min(header.passThroughLength(), length) : 0;
    }

    /**
     * Seals the record whose 24-byte header is at {@code recordAt}, its plaintext right behind it; the
     * first {@code clear} plaintext bytes are associated data, left as they are.
     */
    private void sealRecord(long sequence, boolean endRecord, byte[] array, int recordAt, int length, int clear) {
        cipher.startSeal(sequence, endRecord);
        cipher.aad(fileHeader, 0, FILE_HEADER_LENGTH);
        cipher.aad(array, recordAt, RECORD_HEADER_LENGTH + clear);
        cipher.finishSeal(array, recordAt + RECORD_HEADER_LENGTH + clear, length - clear);
    }

    /**
     * Returns where the payload lies once there are {@code prefix} bytes before it (after the chunk header)
     * and {@code suffix} after it. A source puts the payload at {@link Chunk#HEADROOM}, which always has
     * room; only a payload that an earlier device moved is moved back, once.
     */
    private int makeRoom(Chunk chunk, int prefix, int suffix) {
        final int offset = chunk.payloadOffset();
        final int length = chunk.payloadLength();
        final int capacity = chunk.array().length;
        if (offset - prefix >= ChunkHeader.LENGTH && offset + length + suffix <= capacity) {
            return offset;
        }
        final int moved = ChunkHeader.LENGTH + prefix;
        if (moved + length + suffix > capacity) {
            throw badInput("chunk " + chunk.header().sequence() + " has no room for the " + (prefix + suffix)
                + " bytes of headers and tags around its " + length + " payload bytes");
        }
        System.arraycopy(chunk.array(), offset, chunk.array(), moved, length);
        return moved;
    }

    private void ready(Chunk chunk) {
        if (readyFirst == null) {
            readyFirst = chunk;
        } else {
            readySecond = chunk;
        }
    }

    private static void release(Chunk chunk) {
        if (chunk != null) {
            chunk.release();
        }
    }
}
