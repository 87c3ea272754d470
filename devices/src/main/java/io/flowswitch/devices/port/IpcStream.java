package io.flowswitch.devices.port;

import io.aeron.Aeron;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.flowswitch.devices.driver.MediaDriverNode;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

/**
 * One connected Aeron IPC stream: an exclusive publication, the subscription that reads it, and the
 * reassembly buffer of the reader. It outlives a flow: {@link AeronIpcPort} leases it for one flow, and an
 * {@link IpcStreamPool} keeps it connected between flows.
 *
 * <p>Every lease has a generation, one more than the last; the writer stamps it into each frame's reserved
 * value and the reader drops a message of another generation, so nothing an earlier lease wrote can reach a
 * later one, even if a stream came back with bytes still in its log (the pool only takes back quiet
 * streams: see {@link #isQuiet()}).
 *
 * <p>One writer thread and one reader thread at a time, those of the current lease; leasing happens before
 * either starts and after both stopped.
 */
final class IpcStream implements ControlledFragmentHandler, AutoCloseable {
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final MediaDriverNode node;
    private final int streamId;
    private final int termLengthBytes;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(this);
    private long generation;
    /** The current lease's reader; set at lease time, before the reader's thread first polls. */
    private AeronIpcPort reader;
    private long staleMessages;

    private IpcStream(MediaDriverNode node, int streamId, int termLengthBytes, ExclusivePublication publication,
        Subscription subscription) {
        this.node = node;
        this.streamId = streamId;
        this.termLengthBytes = termLengthBytes;
        this.publication = publication;
        this.subscription = subscription;
    }

    /**
     * Adds a publication and a subscription on a new IPC stream and waits until both are connected. Blocks for
     * up to ten seconds: call it during flow set-up, never on a stream or actor thread.
     */
    static IpcStream open(MediaDriverNode node, int streamId, int termLengthBytes) {
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
            return new IpcStream(node, streamId, termLengthBytes, publication, subscription);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CloseHelper.quietCloseAll(publication, subscription);
            throw new IllegalStateException("interrupted while opening Aeron IPC stream " + streamId, e);
        } catch (RuntimeException e) {
            CloseHelper.quietCloseAll(publication, subscription);
            throw e;
        }
    }

    /** Starts the next lease: from now on only messages stamped with the returned generation reach {@code port}. */
    long attach(AeronIpcPort port) {
        reader = port;
        return ++generation;
    }

    MediaDriverNode node() {
        return node;
    }

    int streamId() {
        return streamId;
    }

    int termLengthBytes() {
        return termLengthBytes;
    }

    /** What a pool counts against its byte bound: the three terms of the log. */
    long logBytes() {
        return 3L * termLengthBytes;
    }

    ExclusivePublication publication() {
        return publication;
    }

    /** Polls for the current lease's reader; messages of an earlier generation are consumed and dropped. */
    int poll(int fragmentLimit) {
        return subscription.controlledPoll(assembler, fragmentLimit);
    }

    /** Messages dropped because an earlier lease wrote them. */
    long staleMessages() {
        return staleMessages;
    }

    @Override
    public Action onFragment(DirectBuffer buffer, int offset, int length, Header header) {
        if (header.reservedValue() != generation) {
            staleMessages++;
            return Action.CONTINUE;
        }
        return reader.onMessage(buffer, offset, length);
    }

    /**
     * Whether the stream can carry another flow: both ends open and connected, one image (ours), and the reader
     * at the publication's position, so nothing written is left unread and no message is half reassembled.
     */
    boolean isQuiet() {
        if (publication.isClosed() || subscription.isClosed() || !publication.isConnected()
            || subscription.imageCount() != 1) {
            return false;
        }
        final Image image = subscription.imageAtIndex(0);
        return !image.isClosed() && image.position() == publication.position();
    }

    /** Whether both ends are closed: by {@link #close()}, or with the node's client. */
    boolean isClosed() {
        return publication.isClosed() && subscription.isClosed();
    }

    /** Closes the publication, then the subscription. Idempotent. */
    @Override
    public void close() {
        reader = null;
        CloseHelper.quietCloseAll(publication, subscription);
    }

    @Override
    public String toString() {
        return "aeron:ipc stream " + streamId;
    }
}
