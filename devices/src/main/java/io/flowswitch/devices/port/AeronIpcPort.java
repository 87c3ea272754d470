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
 * <p>The term is sized so that the publication window (half the term) is several times the port's
 * full credit: the window only moves when the driver's conductor runs, so a window just as large as
 * the credit would stall the writer between conductor cycles. Aeron's own back pressure is then a
 * rare event, and the credit is what bounds memory. (Terms sized to the credit alone, a 4 MiB term for 32
 * chunks of 64 KiB with the credit cut to the 27 its window lets through, made a 64 KiB Aeron edge run at
 * 0.34-0.49 of a plain loop against 0.59-0.66 on a loaded 2-core machine: a writer that Aeron pushes back
 * waits for a timer, and on busy cores the conductor that moves the window runs late.)
 */
public final class AeronIpcPort extends CreditedPort {
    private static final int FRAGMENT_LIMIT = 16;
    private static final int MAX_IMMEDIATE_RETRIES = 3;
    private static final int FRAME_OVERHEAD_BYTES = 64;
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
        final IpcStream stream = IpcStream.open(node, streamId, termLengthFor(capacityChunks, maxPayloadBytes));
        return new AeronIpcPort("aeron:ipc stream " + streamId, capacityChunks, stream, null);
    }

    /**
     * A power-of-two term whose half (the IPC publication window) holds twice the port's full credit,
     * and whose eighth (Aeron's largest message) holds the largest chunk.
     */
    static int termLengthFor(int capacityChunks, int maxPayloadBytes) {
        final long messageBytes = ChunkHeader.LENGTH + maxPayloadBytes + FRAME_OVERHEAD_BYTES;
        final long bytes = Math.max(4L * capacityChunks * messageBytes, 8L * messageBytes);
        final long termLengthBytes = Math.max(MIN_TERM_LENGTH_BYTES, Long.highestOneBit(bytes - 1) << 1);
        if (termLengthBytes > 1L << 30) {
            throw new IllegalArgumentException("port of " + capacityChunks + " chunks of " + maxPayloadBytes
                + " bytes needs a term above 1 GiB");
        }
        return (int) termLengthBytes;
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
