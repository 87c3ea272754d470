package io.flowswitch.devices.port;

import io.aeron.Aeron;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkHeader;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.driver.MediaDriverNode;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A data port over an Aeron IPC stream: the writer copies each chunk (header, then payload) into the
 * stream's shared-memory log and releases it at once; the reader copies each message into a chunk from
 * its pool. A message that fits one frame goes through {@code tryClaim}; a larger one is fragmented by
 * {@code offer} and reassembled on the reader side without allocation.
 *
 * <p>The term is sized so that the publication window (half the term) is several times the port's
 * full credit: the window only moves when the driver's conductor runs, so a window just as large as
 * the credit would stall the writer between conductor cycles. Aeron's own back pressure is then a
 * rare event, and the credit is what bounds memory.
 */
public final class AeronIpcPort extends CreditedPort implements ControlledFragmentHandler {
    private static final int FRAGMENT_LIMIT = 16;
    private static final int MAX_IMMEDIATE_RETRIES = 3;
    private static final int FRAME_OVERHEAD_BYTES = 64;
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** At least 2 MiB of window: a conductor cycle of 100 µs then never limits the writer below 20 GB/s. */
    private static final int MIN_TERM_LENGTH_BYTES = 4 * 1024 * 1024;

    private final MediaDriverNode node;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(this);
    private final BufferClaim claim = new BufferClaim();
    private Chunk target;
    private Chunk delivered;
    private boolean starved;

    private AeronIpcPort(String description, int capacityChunks, MediaDriverNode node,
        ExclusivePublication publication, Subscription subscription) {
        super(description, capacityChunks);
        this.node = node;
        this.publication = publication;
        this.subscription = subscription;
    }

    /**
     * Opens a port on a new IPC stream and waits until both ends are connected. Blocks for up to ten
     * seconds: call it during flow set-up, never on a stream or actor thread.
     */
    public static AeronIpcPort open(MediaDriverNode node, int streamId, int capacityChunks, int maxPayloadBytes) {
        final int termLengthBytes = termLengthFor(capacityChunks, maxPayloadBytes);
        // Aeron caps a message at an eighth of the term, and the MTU at that cap.
        final int mtuBytes = Math.min(MediaDriverNode.Context.IPC_MTU_BYTES, termLengthBytes / 8);
        final String channel = "aeron:ipc?term-length=" + termLengthBytes + "|mtu=" + mtuBytes;
        final Aeron aeron = node.aeron();
        Subscription subscription = null;
        ExclusivePublication publication = null;
        try {
            subscription = aeron.addSubscription(channel, streamId);
            publication = aeron.addExclusivePublication(channel, streamId);
            final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
            while (!publication.isConnected() || !subscription.isConnected()) {
                if (System.nanoTime() > deadlineNs) {
                    throw new IllegalStateException("Aeron IPC stream " + streamId + " did not connect within 10 s");
                }
                TimeUnit.MICROSECONDS.sleep(200);
            }
            return new AeronIpcPort("aeron:ipc stream " + streamId, capacityChunks, node, publication, subscription);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CloseHelper.quietCloseAll(publication, subscription);
            throw new IllegalStateException("interrupted while opening Aeron IPC stream " + streamId, e);
        } catch (RuntimeException e) {
            CloseHelper.quietCloseAll(publication, subscription);
            throw e;
        }
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
                claim.commit();
            }
        } else {
            result = publication.offer(source, 0, ChunkHeader.LENGTH, source, chunk.payloadOffset(), payloadLength);
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
        subscription.controlledPoll(assembler, FRAGMENT_LIMIT);
        final Chunk chunk = delivered;
        if (chunk != null) {
            delivered = null;
            target = null;
        }
        return chunk;
    }

    @Override
    public Action onFragment(DirectBuffer buffer, int offset, int length, Header header) {
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
        // Bytes in the log need no release; only the reader's half-filled chunk does.
    }

    @Override
    public void close() {
        super.close();
        CloseHelper.quietCloseAll(publication, subscription);
        if (target != null) {
            target.release();
            target = null;
        }
    }
}
