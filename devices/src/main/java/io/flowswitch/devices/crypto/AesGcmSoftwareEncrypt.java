package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.AesGcmFormat.FILE_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.FLAG_FINAL;
import static io.flowswitch.devices.crypto.AesGcmFormat.RECORD_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.TAG_BITS;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The software path of {@code aes-gcm-encrypt}: each chunk becomes its record of the encrypted stream by
 * the plain means of {@link AesGcmReference} (a fresh {@code GCMParameterSpec}, header arrays and a sealed
 * array per record), not by the device's in-place cipher. Given the stream's salt, chunk {@code n} comes
 * out byte-identical to what {@link AesGcmEncryptDevice} makes of it: the nonce is the salt and the
 * sequence number, so a chunk re-issued on this path is never sealed under a nonce with other plaintext.
 *
 * <p>Slower than the device and it allocates per chunk: it is the ladder's last resort, not a data path.
 * An empty chunk that is not flagged last is sealed as an empty data record (the device holds it back to
 * see whether it was the last). Ownership: an input chunk is the device's until {@link #poll} hands it out;
 * a chunk taken from the pool for the end record is the caller's once polled. One thread at a time.
 */
public final class AesGcmSoftwareEncrypt implements TransformDevice {
    private final String stage;
    private final long flowId;
    private final SecretKey key;
    private final byte[] salt;
    private final byte[] fileHeader;
    private final Cipher cipher;
    private final boolean replica;
    private Chunk ready;
    private boolean ended;
    private boolean endRecordWritten;
    private boolean endChunkPending;
    private long nextSequence;
    private long nextPlaintextOffset;

    AesGcmSoftwareEncrypt(String stage, long flowId, int chunkBytes, SecretKey key, byte[] salt, boolean replica) {
        this.stage = stage;
        this.flowId = flowId;
        this.key = key;
        this.salt = salt.clone();
        this.replica = replica;
        this.fileHeader = AesGcmReference.fileHeader(chunkBytes, salt);
        this.cipher = AesGcmReference.newCipher();
    }

    /**
     * The software path of a stage of kind {@code aes-gcm-encrypt} (or a kind with its function and
     * parameters): the same key and salt as the stage's device instances would take.
     */
    public static AesGcmSoftwareEncrypt create(io.flowswitch.devices.DeviceParams params,
        io.flowswitch.devices.FlowContext context) {
        final SecretKey key = AesGcmKeys.key(params, context);
        byte[] salt = AesGcmKeys.salt(params);
        if (salt == null) {
            salt = context.salt(params.stage(), AesGcmFormat.SALT_LENGTH);
        }
        return new AesGcmSoftwareEncrypt(params.stage(), context.flowId(), context.chunkBytes(), key, salt,
            params.replicas() > 1);
    }

    @Override
    public boolean needsInput() {
        return !ended && ready == null;
    }

    @Override
    public void accept(Chunk input) {
        try {
            final long sequence = input.header().sequence();
            if (sequence >= nextSequence) {
                nextSequence = sequence + 1;
                nextPlaintextOffset = input.header().byteOffset() + input.payloadLength();
            }
            final boolean last = input.header().hasFlag(ChunkFlags.LAST);
            seal(input, last);
            endRecordWritten |= last;
        } catch (RuntimeException e) {
            input.release();
            throw e;
        }
        ready = input;
    }

    @Override
    public void endOfInput() {
        if (!ended) {
            ended = true;
            endChunkPending = !endRecordWritten && !replica;
        }
    }

    @Override
    public Chunk poll(ChunkPool pool) {
        if (ready != null) {
            final Chunk out = ready;
            ready = null;
            return out;
        }
        if (!endChunkPending) {
            return null;
        }
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
        return ended && ready == null && !endChunkPending;
    }

    @Override
    public void close() {
        if (ready != null) {
            ready.release();
            ready = null;
        }
    }

    /** Writes [file header][record][end record] over the chunk's payload, as the device lays it out. */
    private void seal(Chunk chunk, boolean last) {
        final long sequence = chunk.header().sequence();
        final long plaintextOffset = chunk.header().byteOffset();
        final int length = chunk.payloadLength();
        final byte[] plaintext = new byte[length];
        System.arraycopy(chunk.array(), chunk.payloadOffset(), plaintext, 0, length);
        final boolean isEndRecord = last && length == 0;
        final byte[] record = record(sequence, plaintextOffset, plaintext, isEndRecord);
        final byte[] endRecord = last && length > 0 ? record(sequence + 1, plaintextOffset + length, new byte[0], true)
            : new byte[0];
        final byte[] head = sequence == 0 ? fileHeader : new byte[0];
        final int total = head.length + record.length + endRecord.length;
        final int start = Chunk.HEADROOM - RECORD_HEADER_LENGTH - FILE_HEADER_LENGTH;
        if (start + total > chunk.array().length) {
            throw new DeviceException(AesGcmErrors.BAD_INPUT, stage + ": chunk " + sequence
                + " has no room for its record");
        }
        System.arraycopy(head, 0, chunk.array(), start, head.length);
        System.arraycopy(record, 0, chunk.array(), start + head.length, record.length);
        System.arraycopy(endRecord, 0, chunk.array(), start + head.length + record.length, endRecord.length);
        chunk.payload(start, total);
        chunk.header().byteOffset(AesGcmFormat.encryptedOffset(sequence, plaintextOffset));
        if (last) {
            chunk.header().flags(chunk.header().flags() | ChunkFlags.LAST);
        }
    }

    /** One record: its 24-byte header, then ciphertext and tag. */
    private byte[] record(long sequence, long plaintextOffset, byte[] plaintext, boolean end) {
        final byte[] header = AesGcmReference.recordHeader(sequence, plaintextOffset, plaintext.length,
            end ? FLAG_FINAL : 0);
        final byte[] sealed;
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, AesGcmReference.nonce(salt, sequence, end)));
            cipher.updateAAD(fileHeader);
            cipher.updateAAD(header);
            sealed = cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw AesGcmErrors.cipherFailed(stage, sequence, e);
        }
        final byte[] out = new byte[header.length + sealed.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(sealed, 0, out, header.length, sealed.length);
        return out;
    }
}
