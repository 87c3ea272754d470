package io.flowswitch.devices.port;

import io.flowswitch.devices.driver.MediaDriverNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;

/**
 * The node's connected Aeron IPC streams that no flow holds, so that a flow's Aeron edges cost no Aeron add,
 * close or connect wait once the node is warm. A flow leases one {@link AeronIpcPort} per edge
 * ({@link #lease}); closing the port gives its stream back, or closes it if the flow did not end cleanly on it.
 *
 * <p>Streams are kept per shape (term length, which also fixes the MTU): a port of 8 chunks of 64 KiB and one of
 * 4 chunks of 4 KiB may share a stream, since credit is the port's own. Bounded: at most {@code maxIdleStreams}
 * idle streams and {@code maxIdleLogBytes} of their logs; a stream given back beyond either is closed. A pool of
 * {@code maxIdleStreams = 0} keeps nothing: every port opens and closes its own stream.
 *
 * <p>Owned by its {@link MediaDriverNode}, which closes it before the Aeron client; a stream given back after
 * that is closed. Thread-safe; {@link #lease} may block (it may open a stream), so call it during flow set-up.
 */
public final class IpcStreamPool implements AutoCloseable {
    /** Stream ids of data ports start here; lower ids are left for the signalling plane. */
    public static final int FIRST_STREAM_ID = 1000;

    private final MediaDriverNode node;
    private final int maxIdleStreams;
    private final long maxIdleLogBytes;
    private final Map<Integer, ArrayDeque<IpcStream>> idleByTermLength = new HashMap<>();
    private int nextStreamId = FIRST_STREAM_ID;
    private int idleStreams;
    private long idleLogBytes;
    /** Written under this pool's lock; read without it by {@link #anyLeased()}. */
    private volatile int leasedStreams;
    private long opened;
    private long reused;
    private long closedUnclean;
    private long closedOverBound;
    private boolean closed;
    /** The thread opening streams ahead of the first flows ({@link #prewarm}), if one was started. */
    private Thread prewarming;

    /**
     * @param maxIdleStreams idle streams kept at most, over every shape; 0 for no pool
     * @param maxIdleLogBytes bytes of log (three terms a stream) kept idle at most
     */
    public IpcStreamPool(MediaDriverNode node, int maxIdleStreams, long maxIdleLogBytes) {
        if (maxIdleStreams < 0 || maxIdleLogBytes < 0) {
            throw new IllegalArgumentException("maxIdleStreams and maxIdleLogBytes must be >= 0, got "
                + maxIdleStreams + ", " + maxIdleLogBytes);
        }
        this.node = node;
        this.maxIdleStreams = maxIdleStreams;
        this.maxIdleLogBytes = maxIdleLogBytes;
    }

    /**
     * A port over an idle stream of the right shape, or over a newly opened one (which blocks until it is
     * connected, up to ten seconds). The caller owns the port and must close it when the flow ends.
     *
     * @param maxPayloadBytes the largest payload a chunk on this port may carry, head- and tailroom included
     * @throws IllegalStateException if the pool is closed or the stream does not connect
     */
    public AeronIpcPort lease(String description, int capacityChunks, int maxPayloadBytes) {
        // Before the stream counts as leased: the driver thread then parks briefly again, and an add finds it awake.
        node.wakeDriver();
        final int termLengthBytes = AeronIpcPort.termLengthFor(capacityChunks, maxPayloadBytes);
        IpcStream stream;
        final int streamId;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the node's Aeron stream pool is closed: the node is shutting down");
            }
            final ArrayDeque<IpcStream> idle = idleByTermLength.get(termLengthBytes);
            stream = idle == null ? null : idle.pollFirst();
            if (stream != null) {
                idleStreams--;
                idleLogBytes -= stream.logBytes();
                reused++;
                streamId = stream.streamId();
            } else {
                streamId = nextStreamId++;
            }
            leasedStreams++;
        }
        if (stream == null) {
            try {
                stream = IpcStream.open(node, streamId, termLengthBytes);
            } catch (RuntimeException e) {
                synchronized (this) {
                    leasedStreams--;
                }
                throw e;
            }
            synchronized (this) {
                opened++;
            }
        }
        return new AeronIpcPort("aeron:ipc stream " + streamId + " (" + description + ")", capacityChunks, stream,
            this);
    }

    /**
     * Opens up to {@code streams} streams of the shape of a port of {@code capacityChunks} chunks of {@code
     * maxPayloadBytes}, on a thread of its own, and keeps them idle, so that the node's first flows with Aeron edges
     * lease connected streams instead of waiting for the driver (each open is an Aeron add of a publication and a
     * subscription and a wait for both to connect: 17-22 ms on a warm machine). Returns at once. Opens no more than
     * the bounds keep idle, and stops when the pool closes; a flow that leases before a stream is ready opens its own
     * as usual. A stream that fails to open ends the pre-warming (logged nowhere: the first flows then open theirs).
     * Call at most once.
     */
    public void prewarm(int streams, int capacityChunks, int maxPayloadBytes) {
        final int termLengthBytes = AeronIpcPort.termLengthFor(capacityChunks, maxPayloadBytes);
        final long logBytes = 3L * termLengthBytes;
        final int count = (int) Math.min(Math.min(streams, maxIdleStreams), maxIdleLogBytes / logBytes);
        if (count <= 0) {
            return;
        }
        final Thread thread = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                final int streamId;
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    streamId = nextStreamId++;
                }
                final IpcStream stream;
                try {
                    node.wakeDriver();
                    stream = IpcStream.open(node, streamId, termLengthBytes);
                } catch (RuntimeException e) {
                    return;
                }
                synchronized (this) {
                    opened++;
                    leasedStreams++;
                }
                giveBack(stream, true);
            }
        }, "flowswitch-stream-prewarm");
        thread.setDaemon(true);
        synchronized (this) {
            if (closed || prewarming != null) {
                return;
            }
            prewarming = thread;
        }
        thread.start();
    }

    /** Takes a stream back from a port that closed; keeps it if it ended cleanly and the bounds allow. */
    void giveBack(IpcStream stream, boolean clean) {
        synchronized (this) {
            leasedStreams--;
            if (clean && !closed && idleStreams < maxIdleStreams
                && idleLogBytes + stream.logBytes() <= maxIdleLogBytes) {
                // Last in, first out: the next flow takes the stream whose log pages are warmest.
                idleByTermLength.computeIfAbsent(stream.termLengthBytes(), length -> new ArrayDeque<>())
                    .addFirst(stream);
                idleStreams++;
                idleLogBytes += stream.logBytes();
                return;
            }
            if (!clean) {
                closedUnclean++;
            } else {
                closedOverBound++;
            }
        }
        // Closing waits for the driver's conductor, which may be in a long park now that the stream is not leased.
        node.wakeDriver();
        stream.close();
    }

    /**
     * Whether a flow (or the pre-warming) holds a stream now: the node's driver thread then parks briefly between
     * duty cycles. Any thread, no lock.
     */
    public boolean anyLeased() {
        return leasedStreams > 0;
    }

    /** The pool's counts now, for the experiments' leak checks and {@code flowswitch devices}. */
    public synchronized Stats stats() {
        return new Stats(idleStreams, leasedStreams, idleLogBytes, opened, reused, closedUnclean, closedOverBound,
            maxIdleStreams, maxIdleLogBytes);
    }

    public int maxIdleStreams() {
        return maxIdleStreams;
    }

    public long maxIdleLogBytes() {
        return maxIdleLogBytes;
    }

    /**
     * Closes every idle stream, in the order they were given back; streams still leased are closed when their
     * ports close. Idempotent.
     */
    @Override
    public void close() {
        final List<IpcStream> toClose = new ArrayList<>();
        final Thread opener;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            opener = prewarming;
        }
        if (opener != null) {
            // It stops before its next stream; the one it is opening (a few milliseconds) comes back closed.
            try {
                opener.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            for (ArrayDeque<IpcStream> idle : idleByTermLength.values()) {
                while (!idle.isEmpty()) {
                    toClose.add(idle.pollLast());
                }
            }
            idleByTermLength.clear();
            idleStreams = 0;
            idleLogBytes = 0;
        }
        node.wakeDriver();
        toClose.forEach(CloseHelper::quietClose);
    }

    /**
     * Counts of a pool at one moment.
     *
     * @param idleStreams connected streams no flow holds
     * @param leasedStreams streams flows hold now; 0 on a node with no flow running
     * @param idleLogBytes log bytes of the idle streams
     * @param opened streams opened since the node started
     * @param reused leases served by an idle stream
     * @param closedUnclean streams closed at a flow's end because it failed, was cancelled or left bytes unread
     * @param closedOverBound clean streams closed because the pool was full
     * @param maxIdleStreams the pool's bound on idle streams
     * @param maxIdleLogBytes the pool's bound on the idle streams' log bytes
     */
    public record Stats(int idleStreams, int leasedStreams, long idleLogBytes, long opened, long reused,
        long closedUnclean, long closedOverBound, int maxIdleStreams, long maxIdleLogBytes) {
        @Override
        public String toString() {
            return "Aeron streams: " + idleStreams + " idle, " + leasedStreams + " leased; " + opened + " opened, "
                + reused + " reused, " + closedUnclean + " closed unclean, " + closedOverBound + " closed over bound";
        }
    }
}
