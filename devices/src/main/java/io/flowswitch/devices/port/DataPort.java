package io.flowswitch.devices.port;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;

/**
 * The bounded, credit-based data port between two device stages that are not fused: one writer stage,
 * one reader stage, usually on different threads.
 *
 * <p>The port holds at most {@link #capacityChunks()} chunks. A writer may only offer when it holds
 * credit ({@link #awaitCredit}); an offer without credit is rejected with {@link #NO_CREDIT}, counted,
 * and the chunk stays with the writer. Nothing is ever dropped: a chunk is either accepted (ownership
 * passes to the port) or returned to the caller with a code.
 *
 * <p>Neither side spins: a side that has to wait arms a wake-up ({@link #awaitCredit},
 * {@link #awaitData}) which the other side runs once when it makes progress.
 */
public interface DataPort extends AutoCloseable {
    /** The chunk was accepted; ownership passed to the port. */
    int OK = 0;
    /** No credit: the chunk was rejected and still belongs to the caller. */
    int NO_CREDIT = -1;
    /** The reader cancelled or the port closed: the chunk still belongs to the caller. */
    int CLOSED = -2;
    /** The transport itself is back-pressured: try again shortly; the chunk still belongs to the caller. */
    int BACK_PRESSURED = -3;

    /** Where the port is, e.g. {@code aeron:ipc} stream 1001, or {@code fused}. */
    String description();

    int capacityChunks();

    // writer side

    /**
     * Offers a chunk. On {@link #OK} ownership passes to the port (which may copy it and release it at
     * once); on any other code the caller still owns it.
     */
    int offer(Chunk chunk);

    /**
     * @return {@code true} if the writer holds credit now (or the port is closed: the next offer says so);
     *     otherwise {@code wakeUp} runs once when credit returns
     */
    boolean awaitCredit(Runnable wakeUp);

    /** The writer has offered its last chunk. */
    void finish();

    /** The writer failed; the reader fails with the same cause once it has read what came before. */
    void fail(Throwable cause);

    // reader side

    /**
     * Takes the next chunk, owned by the caller from now on.
     *
     * @param pool where the port takes a chunk to copy into, if it copies (an Aeron port does)
     * @return the chunk, or {@code null} when none is ready (then see {@link #awaitData})
     */
    Chunk poll(ChunkPool pool);

    /**
     * @return {@code true} if {@link #poll} may return something now, or the port is drained or failed;
     *     otherwise {@code wakeUp} runs once when that changes
     */
    boolean awaitData(Runnable wakeUp, ChunkPool pool);

    /** True when the writer finished and the reader has taken every chunk. */
    boolean isDrained();

    /** The writer's failure, or {@code null}. */
    Throwable failure();

    /**
     * Whether the port was cancelled or closed: what it held is released and nothing more can be read, even
     * if fewer chunks were taken than offered. A reader that finds it so must stop rather than wait.
     */
    boolean isClosed();

    /** The reader wants no more data; chunks in the port are released, further offers return {@link #CLOSED}. */
    void cancel();

    /** Offers rejected for lack of credit. */
    long creditRejections();

    /** Chunks accepted so far. */
    long chunksOffered();

    /** Releases transport resources and any chunk still inside. Idempotent. */
    @Override
    void close();
}
