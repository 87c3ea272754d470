package io.flowswitch.devices.port;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.ReservedValueSupplier;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkHeader;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.driver.MediaDriverNode;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A data port over an Aeron IPC stream, for one flow: the writer copies each chunk (header, then payload) into
 * the stream's shared-memory log and releases it at once; the reader copies each message into a chunk from
 * its pool. A message that fits one frame goes through {@code tryClaim}; a larger one is fragmented by
 * {@code offer} and reassembled on the reader side without allocation.
 *
 * <p>The port is a lease on an {@link IpcStream}: credit, counters and end-of-stream are the port's own, so a
 * stream reused by the next flow starts from zero. On {@link #close()} a stream that ended cleanly (the writer
 * finished and the reader took every chunk, or nothing was ever offered; nothing failed or was cancelled; the
 * log read to the publication's position) goes back to its {@link IpcStreamPool}; any other is closed. Each lease stamps its generation into
 * every frame and the reader drops other generations, so even so nothing of one flow reaches the next.
 *
 * <p>The term is sized to what the port's credit can put in flight: the publication window (half the term)
 * holds the port's full credit of chunks, so the writer runs out of credit (and sleeps on the port's doorbell)
 * before Aeron could push back, and the credit is what bounds memory. A writer whose window has not yet moved
 * past chunks the reader already took (the window moves when the driver's conductor runs) runs a conductor
 * cycle itself ({@link MediaDriverNode#tryDutyCycle()}). Terms are powers of two: when the full credit would
 * need the next one up (32 chunks of 64 KiB are a few KiB more than the 2 MiB window of a 4 MiB term, with
 * headers and the head- and tailroom a device may grow into), the port takes the credit the smaller window
 * holds, down to 7/8 of what was asked (31 of 32 there), rather than double the log.
 */
public final class AeronIpcPort extends CreditedPort {
    private static final int FRAGMENT_LIMIT = 16;
    private static final int MAX_IMMEDIATE_RETRIES = 3;
    /** Aeron's data frame header, and the alignment of every frame in the log. */
    private static final int FRAME_HEADER_BYTES = 32;
    private static final int FRAME_ALIGNMENT_BYTES = 32;
    /** At least 2 MiB of window: a conductor cycle of 100 µs then never limits the writer below 20 GB/s. */
    private static final int MIN_TERM_LENGTH_BYTES = 4 * 1024 * 1024;

    private final IpcStream stream;
    private final MediaDriverNode node;
    private final ExclusivePublication publication;
    private final long generation;
    private final ReservedValueSupplier stamp;
    /** Where the stream goes back at close; {@code null}: the stream is closed with the port. */
    private final IpcStreamPool pool;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final BufferClaim claim = new BufferClaim();
    private Chunk target;
    private Chunk delivered;
    private boolean starved;

    AeronIpcPort(String description, int capacityChunks, IpcStream stream, IpcStreamPool pool) {
        super(description, capacityChunks);
        this.stream = stream;
        this.node = stream.node();
        this.publication = stream.publication();
        this.pool = pool;
        this.generation = stream.attach(this);
        final long stampValue = generation;
        this.stamp = (termBuffer, termOffset, frameLength) -> stampValue;
    }

    /**
     * Opens a port on a new IPC stream of its own, closed with the port, and waits until both ends are
     * connected. Blocks for up to ten seconds: call it during flow set-up, never on a stream or actor thread.
     * Flows take their ports from the node's {@link IpcStreamPool} instead.
     */
    public static AeronIpcPort open(MediaDriverNode node, int streamId, int capacityChunks, int maxPayloadBytes) {
        final int termLengthBytes = termLengthFor(capacityChunks, maxPayloadBytes);
        final IpcStream stream = IpcStream.open(node, streamId, termLengthBytes);
        return new AeronIpcPort("aeron:ipc stream " + streamId,
            creditFor(capacityChunks, maxPayloadBytes, termLengthBytes), stream, null);
    }

    /**
     * The smallest power-of-two term (at least 4 MiB) whose half, the IPC publication window, holds at least 7/8 of
     * the port's credit in chunks of {@code maxPayloadBytes}, and whose eighth (Aeron's largest message) holds the
     * largest chunk. The port then takes the credit the window holds ({@link #creditFor}).
     */
    static int termLengthFor(int capacityChunks, int maxPayloadBytes) {
        final long messageBytes = logBytesPerMessage(maxPayloadBytes);
        final long inFlightBytes = (long) Math.max(1, capacityChunks - capacityChunks / 8) * messageBytes;
        final long bytes = Math.max(2 * inFlightBytes, 8L * (ChunkHeader.LENGTH + maxPayloadBytes));
        final long termLengthBytes = Math.max(MIN_TERM_LENGTH_BYTES, Long.highestOneBit(bytes - 1) << 1);
        if (termLengthBytes > 1L << 30) {
            throw new IllegalArgumentException("port of " + capacityChunks + " chunks of " + maxPayloadBytes
                + " bytes needs a term above 1 GiB");
        }
        return (int) termLengthBytes;
    }

    /** The credit of a port asking for {@code capacityChunks} on a stream of that term: what its window holds. */
    static int creditFor(int capacityChunks, int maxPayloadBytes, int termLengthBytes) {
        final long fits = (termLengthBytes / 2) / logBytesPerMessage(maxPayloadBytes);
        return (int) Math.max(1, Math.min(capacityChunks, fits));
    }

    /**
     * Bytes the log takes for one chunk of {@code maxPayloadBytes}: its header and payload in frames of at most the
     * IPC MTU, each with Aeron's frame header, each aligned (a term of 4 MiB or more keeps the largest MTU).
     */
    static long logBytesPerMessage(int maxPayloadBytes) {
        final int mtuBytes = MediaDriverNode.Context.IPC_MTU_BYTES;
        final int payloadPerFrame = mtuBytes - FRAME_HEADER_BYTES;
        final long messageBytes = ChunkHeader.LENGTH + (long) maxPayloadBytes;
        final long lastBytes = messageBytes % payloadPerFrame;
        final long lastFrameBytes = lastBytes == 0 ? 0
            : (lastBytes + FRAME_HEADER_BYTES + FRAME_ALIGNMENT_BYTES - 1) / FRAME_ALIGNMENT_BYTES * FRAME_ALIGNMENT_BYTES;
        return messageBytes / payloadPerFrame * mtuBytes + lastFrameBytes;
    }

    /** The Aeron stream id this port writes and reads. */
    public int streamId() {
        return stream.streamId();
    }

    /** The stream this port leases. */
    IpcStream stream() {
        return stream;
    }

    /** This lease's generation on its stream: 1 for a stream's first flow, then one more per flow. */
    public long generation() {
        return generation;
    }

    /** Messages the reader dropped because an earlier lease of the stream wrote them (over the stream's life). */
    public long staleMessagesDropped() {
        return stream.staleMessages();
    }

    @Override
    int transfer(Chunk chunk) {
        long result = write(chunk);
        for (int attempt = 0; attempt < MAX_IMMEDIATE_RETRIES && result < 0; attempt++) {
            if (result == Publication.ADMIN_ACTION) {
                // The offer rotated the term: Aeron asks for an immediate retry.
                result = write(chunk);
            } else if (result == Publication.BACK_PRESSURED && node.tryDutyCycle()) {
                // The window only moves when the driver's conductor runs: run it here rather than wait.
                result = write(chunk);
            } else {
                break;
            }
        }
        if (result > 0) {
            chunk.release();
            return OK;
        }
        return result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION
            || result == Publication.NOT_CONNECTED ? BACK_PRESSURED : CLOSED;
    }

    private long write(Chunk chunk) {
        final int payloadLength = chunk.payloadLength();
        final int messageLength = ChunkHeader.LENGTH + payloadLength;
        final MutableDirectBuffer source = chunk.buffer();
        final long result;
        if (messageLength <= publication.maxPayloadLength()) {
            result = publication.tryClaim(messageLength, claim);
            if (result > 0) {
                final MutableDirectBuffer log = claim.buffer();
                final int offset = claim.offset();
                log.putBytes(offset, source, 0, ChunkHeader.LENGTH);
                log.putBytes(offset + ChunkHeader.LENGTH, source, chunk.payloadOffset(), payloadLength);
                claim.reservedValue(generation);
                claim.commit();
            }
        } else {
            result = publication.offer(source, 0, ChunkHeader.LENGTH, source, chunk.payloadOffset(), payloadLength,
                stamp);
        }
        return result;
    }

    @Override
    Chunk receive(ChunkPool pool) {
        if (target == null) {
            target = pool.acquire();
            if (target == null) {
                starved = true;
                return null;
            }
        }
        starved = false;
        stream.poll(FRAGMENT_LIMIT);
        final Chunk chunk = delivered;
        if (chunk != null) {
            delivered = null;
            target = null;
        }
        return chunk;
    }

    /** A whole message of this lease, from the stream's reassembler, on the reader's thread. */
    Action onMessage(DirectBuffer buffer, int offset, int length) {
        final Chunk chunk = target;
        final int payloadLength = length - ChunkHeader.LENGTH;
        // A device may have grown the payload into the head- and tailroom (record headers, tags):
        // keep the usual headroom when it fits, else start right after the header.
        final int payloadOffset = Math.min(Chunk.HEADROOM, chunk.array().length - payloadLength);
        chunk.buffer().putBytes(0, buffer, offset, ChunkHeader.LENGTH);
        chunk.buffer().putBytes(payloadOffset, buffer, offset + ChunkHeader.LENGTH, payloadLength);
        chunk.payload(payloadOffset, payloadLength);
        delivered = chunk;
        return Action.BREAK;
    }

    @Override
    boolean starvedForChunks() {
        return starved;
    }

    @Override
    void discard() {
        // Bytes in the log need no release; only the reader's half-filled chunk does, at close.
    }

    /**
     * Ends the lease: releases the reader's spare chunk to its pool, then gives the stream back to the pool if
     * it ended cleanly, or closes it. Call once both stages stopped (the flow's end). Idempotent.
     */
    @Override
    public void close() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        // Judged before super.close() marks the port closed: a reader that cancelled left the port closed. A port
        // that never carried a chunk (a flow whose set-up failed after its ports were leased) is clean as well.
        final boolean clean = (isDrained() || chunksOffered() == 0) && failure() == null && !isClosed()
            && delivered == null && stream.isQuiet();
        super.close();
        if (target != null) {
            target.release();
            target = null;
        }
        if (pool != null) {
            pool.giveBack(stream, clean);
        } else {
            stream.close();
        }
    }
}
