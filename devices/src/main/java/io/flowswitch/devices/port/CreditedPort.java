package io.flowswitch.devices.port;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.function.BooleanSupplier;

/**
 * Credit accounting, end-of-stream and wake-ups shared by every {@link DataPort}; subclasses move the
 * bytes. Credit is {@code capacity - (offered - taken)}: the writer alone advances {@code offered}, the
 * reader alone advances {@code taken}, so each is a single-writer volatile field.
 *
 * <p>Chunks left in the transport when the reader cancels belong to the port, which releases each once:
 * {@link #cancel()} runs on the reader's thread but {@link #close()} on whichever thread ends the flow, and
 * a writer may slip a chunk in between its check of {@code cancelled} and the transfer. The transport's
 * queue has one consumer, so every release of what is left goes through {@link #releaseHeld()}, one
 * thread at a time, and a writer that finds the port cancelled after its transfer releases what it left.
 */
abstract class CreditedPort implements DataPort {
    private final String description;
    private final int capacityChunks;
    private final Doorbell creditBell = new Doorbell();
    private final Doorbell dataBell = new Doorbell();
    private final BooleanSupplier hasCredit = this::hasCreditOrClosed;
    private final BooleanSupplier hasDataOrEnd = this::hasDataOrEnd;
    private volatile long offered;
    private volatile long taken;
    private volatile boolean finished;
    private volatile boolean cancelled;
    private volatile Throwable failure;
    private long creditRejections;
    private final int resumeCredit;

    CreditedPort(String description, int capacityChunks) {
        if (capacityChunks <= 0) {
            throw new IllegalArgumentException("capacityChunks must be positive: " + capacityChunks);
        }
        this.description = description;
        this.capacityChunks = capacityChunks;
        this.resumeCredit = Math.max(1, capacityChunks / 2);
    }

    /** Moves the chunk into the transport; on {@link #OK} the port owns it. Called with credit held. */
    abstract int transfer(Chunk chunk);

    /** Takes the next chunk from the transport, or null. */
    abstract Chunk receive(ChunkPool pool);

    /** Whether {@link #receive} found the pool empty on its last call (the reader then waits for the pool). */
    boolean starvedForChunks() {
        return false;
    }

    /** Releases chunks still held by the transport. Called only through {@link #releaseHeld()}. */
    abstract void discard();

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final int capacityChunks() {
        return capacityChunks;
    }

    @Override
    public final int offer(Chunk chunk) {
        if (cancelled) {
            return CLOSED;
        }
        if (offered - taken >= capacityChunks) {
            creditRejections++;
            return NO_CREDIT;
        }
        final int result = transfer(chunk);
        if (result == OK) {
            offered = offered + 1;
            if (cancelled) {
                // The reader cancelled during the transfer and may have released what was there before this
                // chunk came: nobody will take it now, so the port releases it (it owns it since OK).
                releaseHeld();
            }
            dataBell.ring();
        }
        return result;
    }

    @Override
    public final boolean awaitCredit(Runnable wakeUp) {
        return creditBell.arm(wakeUp, hasCredit);
    }

    @Override
    public final void finish() {
        finished = true;
        dataBell.ring();
    }

    @Override
    public final void fail(Throwable cause) {
        failure = cause;
        dataBell.ring();
    }

    @Override
    public final Chunk poll(ChunkPool pool) {
        final Chunk chunk = receive(pool);
        if (chunk != null) {
            final long nowTaken = taken + 1;
            taken = nowTaken;
            // A writer that ran out of credit sleeps until half the port is free, not until one slot is:
            // one wake-up per half a port of chunks instead of one per chunk.
            if (capacityChunks - (offered - nowTaken) >= resumeCredit) {
                creditBell.ring();
            }
        }
        return chunk;
    }

    @Override
    public final boolean awaitData(Runnable wakeUp, ChunkPool pool) {
        if (starvedForChunks()) {
            return pool.awaitRelease(wakeUp);
        }
        return dataBell.arm(wakeUp, hasDataOrEnd);
    }

    @Override
    public final boolean isDrained() {
        return finished && taken == offered;
    }

    @Override
    public final Throwable failure() {
        return failure;
    }

    @Override
    public final void cancel() {
        cancelled = true;
        releaseHeld();
        creditBell.ring();
    }

    @Override
    public final long creditRejections() {
        return creditRejections;
    }

    @Override
    public final long chunksOffered() {
        return offered;
    }

    @Override
    public final boolean isClosed() {
        return cancelled;
    }

    private boolean hasCreditOrClosed() {
        return cancelled || offered - taken < capacityChunks;
    }

    private boolean hasDataOrEnd() {
        return offered > taken || finished || failure != null || cancelled;
    }

    @Override
    public String toString() {
        return description + "{offered=" + offered + ", taken=" + taken + ", capacity=" + capacityChunks
            + (finished ? ", finished" : "") + (cancelled ? ", cancelled" : "") + (failure != null ? ", failed" : "")
            + ", rejections=" + creditRejections + "}";
    }

    @Override
    public void close() {
        cancelled = true;
        creditBell.disarm();
        dataBell.disarm();
        releaseHeld();
    }

    /**
     * Releases what the transport still holds, once the reader no longer takes from it. Serialised: the
     * reader's cancel, the flow's close and a writer that met a cancel may all get here, on three threads,
     * and two drains of a single-consumer queue at once could both take, and release, the same chunk.
     */
    final synchronized void releaseHeld() {
        discard();
    }

}
