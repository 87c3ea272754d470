package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.AesGcmFormat.FILE_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.FLAG_FINAL;
import static io.flowswitch.devices.crypto.AesGcmFormat.MAGIC_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.MAX_CHUNK_BYTES;
import static io.flowswitch.devices.crypto.AesGcmFormat.MIN_CHUNK_BYTES;
import static io.flowswitch.devices.crypto.AesGcmFormat.RECORD_HEADER_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.SALT_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.TAG_BITS;
import static io.flowswitch.devices.crypto.AesGcmFormat.TAG_LENGTH;
import static io.flowswitch.devices.crypto.AesGcmFormat.VERSION;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The software path of {@code aes-gcm-decrypt}: the encrypted stream is gathered into one growing array
 * and each record is opened as {@link AesGcmReference#decrypt} opens it (a fresh {@code GCMParameterSpec},
 * a new plaintext array per record), not by the device's in-place cipher. It hands out what {@link
 * AesGcmDecryptDevice} does, chunk for chunk: one chunk per data record, with the record's sequence, its
 * plaintext offset and FIRST on record 0, clear prefix and plaintext together; no chunk for the end record.
 * So a stage that falls back to it mid-stream, given the stream from its start, drops what it had already
 * delivered by sequence number and goes on with identical bytes.
 *
 * <p>Slower than the device and it allocates per record: it is the ladder's last resort, not a data path.
 * Ownership: an input chunk is released as soon as its bytes are copied; output chunks come from the pool
 * given to {@link #poll} and are the caller's once returned. One thread at a time.
 */
public final class AesGcmSoftwareDecrypt implements TransformDevice {
    private final String stage;
    private final long flowId;
    private final int flowChunkBytes;
    private final SecretKey key;
    private final Cipher cipher;
    private byte[] fileHeader;
    private byte[] salt;
    private long streamChunkBytes;
    /** The stream's bytes not yet opened: {@code pending[start, end)}. */
    private byte[] pending = new byte[1024];
    private int start;
    private int end;
    /** Stream position of {@code pending[start]}, for messages. */
    private long position;
    private long sequence;
    private long offset;
    private boolean ended;
    private boolean done;
    private DeviceException failure;

    AesGcmSoftwareDecrypt(String stage, long flowId, int flowChunkBytes, SecretKey key) {
        this.stage = stage;
        this.flowId = flowId;
        this.flowChunkBytes = flowChunkBytes;
        this.key = key;
        this.cipher = AesGcmReference.newCipher();
    }

    /** The software path of a stage of kind {@code aes-gcm-decrypt}: the same key its instances take. */
    public static AesGcmSoftwareDecrypt create(DeviceParams params, FlowContext context) {
        return new AesGcmSoftwareDecrypt(params.stage(), context.flowId(), context.chunkBytes(),
            AesGcmKeys.key(params, context));
    }

    @Override
    public boolean needsInput() {
        return !ended && failure == null && !recordReady();
    }

    @Override
    public void accept(Chunk input) {
        try {
            final int length = input.payloadLength();
            if (end + length > pending.length) {
                final int kept = end - start;
                final byte[] grown = kept + length > pending.length
                    ? new byte[Math.max(pending.length * 2, kept + length)] : pending;
                System.arraycopy(pending, start, grown, 0, kept);
                pending = grown;
                start = 0;
                end = kept;
            }
            System.arraycopy(input.array(), input.payloadOffset(), pending, end, length);
            end += length;
        } finally {
            input.release();
        }
    }

    @Override
    public void endOfInput() {
        ended = true;
    }

    @Override
    public Chunk poll(ChunkPool pool) {
        if (failure != null) {
            throw failure;
        }
        try {
            return next(pool);
        } catch (DeviceException e) {
            failure = e;
            throw e;
        }
    }

    private Chunk next(ChunkPool pool) {
        while (true) {
            if (done) {
                if (end > start) {
                    throw AesGcmErrors.dataAfterEnd(stage, position);
                }
                return null;
            }
            if (fileHeader == null) {
                if (end - start >= MAGIC_LENGTH && !Arrays.equals(pending, start, start + MAGIC_LENGTH,
                    AesGcmFormat.magic(), 0, MAGIC_LENGTH)) {
                    throw AesGcmErrors.badMagic(stage);
                }
                if (end - start < FILE_HEADER_LENGTH) {
                    if (ended) {
                        throw AesGcmErrors.truncatedInFileHeader(stage, end - start);
                    }
                    return null;
                }
                readFileHeader();
                continue;
            }
            if (end - start < RECORD_HEADER_LENGTH) {
                if (ended) {
                    throw start == end ? AesGcmErrors.truncatedAtRecord(stage, sequence, position)
                        : AesGcmErrors.truncatedInRecord(stage, sequence, position, position + end - start);
                }
                return null;
            }
            final ByteBuffer header = ByteBuffer.wrap(pending, start, RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            final long claimedSequence = header.getLong(start);
            final long claimedOffset = header.getLong(start + 8);
            final long length = header.getInt(start + 16) & 0xFFFF_FFFFL;
            final int flags = header.getInt(start + 20);
            final long clear = AesGcmFormat.clearPrefixLength(flags);
            if (clear > length || clear > AesGcmFormat.MAX_CLEAR_PREFIX_BYTES) {
                throw AesGcmErrors.clearPrefixTooLong(stage, sequence, position, clear, length);
            }
            if (length - clear > streamChunkBytes) {
                throw AesGcmErrors.recordTooLong(stage, sequence, position, length - clear, streamChunkBytes);
            }
            final int sealedLength = (int) length + TAG_LENGTH;
            if (end - start < RECORD_HEADER_LENGTH + sealedLength) {
                if (ended) {
                    throw AesGcmErrors.truncatedInRecord(stage, sequence, position, position + end - start);
                }
                return null;
            }
            final boolean last = (flags & FLAG_FINAL) != 0;
            final boolean endRecord = last && length == 0;
            final Chunk out = endRecord ? null : pool.acquire();
            if (!endRecord && out == null) {
                return null;
            }
            final int body = start + RECORD_HEADER_LENGTH;
            final byte[] plaintext;
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS,
                    AesGcmReference.nonce(salt, sequence, last)));
                cipher.updateAAD(fileHeader);
                cipher.updateAAD(pending, start, RECORD_HEADER_LENGTH);
                cipher.updateAAD(pending, body, (int) clear);
                plaintext = cipher.doFinal(pending, body + (int) clear, sealedLength - (int) clear);
            } catch (AEADBadTagException e) {
                release(out);
                throw AesGcmErrors.authFailed(stage, sequence, position);
            } catch (GeneralSecurityException e) {
                release(out);
                throw AesGcmErrors.cipherFailed(stage, sequence, e);
            }
            if (claimedSequence != sequence || claimedOffset != offset
                || !AesGcmFormat.recordFlagsValid(flags, length)) {
                release(out);
                throw AesGcmErrors.inconsistentRecord(stage, sequence, position, offset, claimedSequence,
                    claimedOffset, length, flags);
            }
            if (out != null) {
                final int at = Chunk.HEADROOM - (int) clear;
                System.arraycopy(pending, body, out.array(), at, (int) clear);
                System.arraycopy(plaintext, 0, out.array(), Chunk.HEADROOM, plaintext.length);
                out.payload(at, (int) length);
                out.header().flowId(flowId).sequence(sequence).byteOffset(offset)
                    .flags(sequence == 0 ? ChunkFlags.FIRST : 0);
            }
            start += RECORD_HEADER_LENGTH + sealedLength;
            position += RECORD_HEADER_LENGTH + sealedLength;
            sequence++;
            offset += length - clear;
            done = last;
            if (out != null) {
                return out;
            }
        }
    }

    private void readFileHeader() {
        final ByteBuffer header = ByteBuffer.wrap(pending).order(ByteOrder.LITTLE_ENDIAN);
        final int version = header.getShort(start + 8) & 0xFFFF;
        final int flags = header.getShort(start + 10) & 0xFFFF;
        final long chunkBytes = header.getInt(start + 12) & 0xFFFF_FFFFL;
        final boolean reservedZero = header.getInt(start + 28) == 0;
        if (version != VERSION) {
            throw AesGcmErrors.badVersion(stage, version);
        }
        if (flags != 0 || !reservedZero) {
            throw AesGcmErrors.badHeaderBits(stage, flags, reservedZero);
        }
        if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) {
            throw AesGcmErrors.badChunkSize(stage, chunkBytes);
        }
        if (chunkBytes > flowChunkBytes) {
            throw AesGcmErrors.chunkTooLargeForFlow(stage, chunkBytes, flowChunkBytes);
        }
        streamChunkBytes = chunkBytes;
        fileHeader = Arrays.copyOfRange(pending, start, start + FILE_HEADER_LENGTH);
        salt = Arrays.copyOfRange(fileHeader, 16, 16 + SALT_LENGTH);
        start += FILE_HEADER_LENGTH;
        position += FILE_HEADER_LENGTH;
    }

    /** Whether a whole record (or the file header) waits in {@code pending}: take no more input before it is opened. */
    private boolean recordReady() {
        final int available = end - start;
        if (fileHeader == null) {
            return available >= FILE_HEADER_LENGTH;
        }
        if (available < RECORD_HEADER_LENGTH) {
            return false;
        }
        final long length = ByteBuffer.wrap(pending).order(ByteOrder.LITTLE_ENDIAN).getInt(start + 16) & 0xFFFF_FFFFL;
        return available >= RECORD_HEADER_LENGTH + Math.min(length, Integer.MAX_VALUE - 64) + TAG_LENGTH;
    }

    private static void release(Chunk chunk) {
        if (chunk != null) {
            chunk.release();
        }
    }

    @Override
    public boolean isFinished() {
        return done && ended && end == start && failure == null;
    }

    @Override
    public void close() {
        pending = new byte[0];
        start = 0;
        end = 0;
    }
}
