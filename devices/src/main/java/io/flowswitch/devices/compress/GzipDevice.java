package io.flowswitch.devices.compress;

import io.flowswitch.devices.Checkpoint;
import io.flowswitch.devices.Checkpointable;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip compressor (kind {@code gzip}): turns the whole input stream into one gzip member, RFC 1952:
 * a 10-byte header (no name, MTIME 0, XFL 0, OS 255, exactly as {@code GZIPOutputStream} writes it, so
 * the output is byte-identical to {@link GzipReference#compress}), raw deflate, then CRC-32 and ISIZE,
 * little-endian.
 *
 * <p>Driven by demand. {@link #accept} hands the payload to the deflater and keeps the chunk until the
 * deflater has consumed all of it, then releases it; until then {@link #needsInput()} is false. Each
 * {@link #poll} takes one chunk from the pool, deflates into it at {@link Chunk#HEADROOM} up to its
 * payload capacity and hands it to the caller, who owns it; when nothing came out the chunk goes straight
 * back to the pool. Output headers carry the flow id of the input, this device's own sequence (from 0)
 * and output byte offset, {@code FIRST} on the first chunk and {@code LAST} on the one that ends the
 * trailer.
 *
 * <p>Checkpoints ({@link Checkpointable}): after every {@value #CHECKPOINT_CHUNKS}th input chunk with a
 * payload, the device ends the deflate data so far with a full flush (an empty stored block: byte aligned,
 * nothing after it refers back) and resets its deflater, and the output chunk ends there. What follows
 * depends only on the input after that chunk, so an instance {@link #resumeAt resumed} there, given the
 * running CRC-32 and input length, continues the same member (no header) with the same output chunks and
 * sequence numbers. Both paths flush alike, so the output is the same whether a failure happened or not.
 * The flushes cost a little compression (about 5 bytes each, and the dictionary restarts empty).
 *
 * <p>Allocation: none per chunk. The {@link Deflater} works on the chunks' heap arrays directly (JNI
 * critical sections, no copy) and keeps its native zlib state, about 256 KiB at level 6, from creation to
 * {@link #close()}; {@link CRC32#update(byte[], int, int)} is an intrinsic.
 *
 * <p>Not thread-safe: one stage thread drives it.
 */
public final class GzipDevice implements TransformDevice, Checkpointable {
    /** Input chunks (with a payload) between checkpoints; {@link GzipReference#compress} flushes alike. */
    public static final int CHECKPOINT_CHUNKS = 4;

    private final String stage;
    private final int level;
    private final Deflater deflater;
    /** CRC-32 of the input since the last checkpoint; {@code crcBefore} covers what came before it. */
    private final CRC32 crc = new CRC32();
    private int crcBefore;
    private long bytesBefore;
    private final Checkpoint checkpoint = new Checkpoint();
    private long checkpoints;
    private long inputChunks;
    private long lastInputSequence = -1;
    /** The input of a checkpoint is consumed: the deflater is being flushed (no input taken meanwhile). */
    private boolean flushing;
    /** Header bytes, later trailer bytes, still to be written into output chunks. */
    private final byte[] frame = new byte[GzipFormat.HEADER_BYTES];
    private int framePosition;
    private int frameLength;
    private boolean trailerQueued;

    private Chunk input;
    private long flowId;
    private long inputBytes;
    private long outputBytes;
    private long sequence;
    private boolean ended;
    private boolean finished;

    GzipDevice(String stage, int level, long flowId) {
        this.stage = stage;
        this.level = level;
        this.flowId = flowId;
        this.deflater = new Deflater(level, true);
        frame[0] = (byte) GzipFormat.ID1;
        frame[1] = (byte) GzipFormat.ID2;
        frame[2] = (byte) GzipFormat.METHOD_DEFLATE;
        // FLG, MTIME and XFL stay 0: no name, no time stamp (same input, same output), no level hint.
        frame[9] = (byte) GzipFormat.OS_UNKNOWN;
        frameLength = GzipFormat.HEADER_BYTES;
    }

    /** The deflate level this instance compresses at. */
    public int level() {
        return level;
    }

    /** Input payload bytes accepted so far. */
    public long inputBytes() {
        return inputBytes;
    }

    /** Output bytes handed out so far. */
    public long outputBytes() {
        return outputBytes;
    }

    @Override
    public boolean needsInput() {
        return !ended && input == null && !flushing;
    }

    @Override
    public long checkpointCount() {
        return checkpoints;
    }

    @Override
    public boolean copyCheckpoint(Checkpoint into) {
        if (!checkpoint.isSet()) {
            return false;
        }
        into.copyFrom(checkpoint);
        return true;
    }

    /** Goes on from {@code at} in the same gzip member: no header, output sequence and offset from there. */
    @Override
    public void resumeAt(Checkpoint at) {
        if (sequence != 0 || inputChunks != 0 || input != null || ended || !at.isSet()) {
            throw new DeviceException("BAD_STATE", stage + ": gzip can resume only a fresh instance, at a checkpoint"
                + " (asked for " + at + ")");
        }
        framePosition = frameLength; // the header went out before the checkpoint
        crcBefore = at.crc32();
        bytesBefore = at.inputBytes();
        inputBytes = at.inputBytes();
        inputChunks = at.inputChunks();
        lastInputSequence = at.inputSequence();
        sequence = at.outputSequence();
        outputBytes = at.outputBytes();
        checkpoint.copyFrom(at);
    }

    /** Takes ownership of {@code chunk}; it is released once the deflater has consumed its payload. */
    @Override
    public void accept(Chunk chunk) {
        if (!needsInput()) {
            chunk.release();
            throw new IllegalStateException(stage + ": accept() while " + (ended ? "ended" : "a chunk is pending"));
        }
        flowId = chunk.header().flowId();
        final int length = chunk.payloadLength();
        if (length == 0) {
            chunk.release();
            return;
        }
        crc.update(chunk.array(), chunk.payloadOffset(), length);
        inputBytes += length;
        inputChunks++;
        lastInputSequence = chunk.header().sequence();
        deflater.setInput(chunk.array(), chunk.payloadOffset(), length);
        input = chunk;
    }

    @Override
    public void endOfInput() {
        if (!ended) {
            ended = true;
            // Deflates whatever input is still held, then ends the deflate stream in later polls.
            deflater.finish();
        }
    }

    /** Returns one output chunk, owned by the caller, or {@code null} (see {@link TransformDevice#poll}). */
    @Override
    public Chunk poll(ChunkPool pool) {
        if (finished || (!ended && input == null && !flushing)) {
            return null;
        }
        final Chunk out = pool.acquire();
        if (out == null) {
            return null;
        }
        final byte[] array = out.array();
        final int start = Chunk.HEADROOM;
        final int limit = start + out.payloadCapacity();
        final int frameBefore = framePosition;
        int position = copyFrame(array, start, limit);
        boolean deflatedNothing = false;
        boolean reachedCheckpoint = false;
        if (framePosition == frameLength && !deflater.finished()) {
            if (!flushing) {
                final int deflated = deflater.deflate(array, position, limit - position, Deflater.NO_FLUSH);
                position += deflated;
                deflatedNothing = deflated == 0;
                if (input != null && deflater.needsInput()) {
                    input.release();
                    input = null;
                    flushing = inputChunks % CHECKPOINT_CHUNKS == 0;
                }
            }
            if (flushing && position < limit) {
                final int space = limit - position;
                final int flushed = deflater.deflate(array, position, space, Deflater.FULL_FLUSH);
                position += flushed;
                deflatedNothing = false;
                // A flush is complete when it left room in the output (Deflater's contract for FULL_FLUSH).
                reachedCheckpoint = flushed < space;
            }
        }
        if (deflater.finished()) {
            if (!trailerQueued) {
                queueTrailer();
            }
            position = copyFrame(array, position, limit);
            finished = framePosition == frameLength;
        } else if (deflatedNothing) {
            // The deflater took the input into its window without emitting a block yet. Hand out nothing
            // rather than a chunk holding only the gzip header: the header waits for the first real bytes.
            framePosition = frameBefore;
            out.release();
            return null;
        }
        final int produced = position - start;
        if (produced == 0) {
            out.release();
            return null;
        }
        int flags = sequence == 0 ? ChunkFlags.FIRST : 0;
        if (finished) {
            flags |= ChunkFlags.LAST;
        }
        out.header().flowId(flowId).sequence(sequence++).byteOffset(outputBytes).flags(flags);
        out.payload(start, produced);
        outputBytes += produced;
        if (reachedCheckpoint) {
            checkpoint();
        }
        return out;
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    /** Releases a held input chunk and the deflater's native memory. Idempotent. */
    @Override
    public void close() {
        if (input != null) {
            input.release();
            input = null;
        }
        deflater.end();
    }

    /** Copies pending frame bytes into {@code array} from {@code position}, returns the new position. */
    private int copyFrame(byte[] array, int position, int limit) {
        final int length = Math.min(frameLength - framePosition, limit - position);
        System.arraycopy(frame, framePosition, array, position, length);
        framePosition += length;
        return position + length;
    }

    /** The output chunk ends the flush: from here a fresh deflater goes on, here or in a resumed instance. */
    private void checkpoint() {
        flushing = false;
        deflater.reset();
        crcBefore = Crc32Combine.combine(crcBefore, (int) crc.getValue(), inputBytes - bytesBefore);
        bytesBefore = inputBytes;
        crc.reset();
        checkpoint.set(lastInputSequence, inputChunks, inputBytes, crcBefore, sequence, outputBytes);
        checkpoints++;
    }

    private void queueTrailer() {
        putIntLittleEndian(frame, 0, Crc32Combine.combine(crcBefore, (int) crc.getValue(), inputBytes - bytesBefore));
        // ISIZE is the input length modulo 2^32.
        putIntLittleEndian(frame, 4, (int) inputBytes);
        framePosition = 0;
        frameLength = GzipFormat.TRAILER_BYTES;
        trailerQueued = true;
    }

    private static void putIntLittleEndian(byte[] array, int index, int value) {
        array[index] = (byte) value;
        array[index + 1] = (byte) (value >>> 8);
        array[index + 2] = (byte) (value >>> 16);
        array[index + 3] = (byte) (value >>> 24);
    }
}
