package io.flowswitch.devices.port;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Chunks that are in a port when its reader cancels belong to the port, which releases each exactly once,
 * whatever thread cancels, closes or offers at the same moment.
 */
class PortCancelOwnershipTest {
    private static final int CHUNK_BYTES = 1024;

    /**
     * The interleaving a writer meets when the reader cancels between the writer's check of the port and its
     * transfer: the reader's release of what the port held has already run when the chunk arrives.
     */
    @Test
    void aChunkTransferredWhileTheReaderCancelsIsReleasedByThePort() {
        final ChunkPool pool = new ChunkPool(CHUNK_BYTES, 4);
        final CancelDuringTransfer port = new CancelDuringTransfer();
        assertEquals(DataPort.OK, port.offer(pool.acquire()), "ownership passed to the port");
        assertEquals(4, pool.available(), "the port released the chunk nobody will read; it does not wait for close");
        port.close();
        assertEquals(4, pool.available(), "and close does not release it a second time");
    }

    /** The reader's cancel and the flow's close drain the port at once, on two threads; each chunk goes back once. */
    @Test
    void cancelAndCloseOnTwoThreadsReleaseEachChunkOnce() throws Exception {
        final ChunkPool pool = new ChunkPool(CHUNK_BYTES, 64);
        final CyclicBarrier start = new CyclicBarrier(2);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int round = 0; round < 2_000 && failure.get() == null; round++) {
            final QueuePort port = new QueuePort("fused", 64);
            for (int i = 0; i < 64; i++) {
                final Chunk chunk = pool.acquire();
                chunk.header().sequence(i);
                assertEquals(DataPort.OK, port.offer(chunk));
            }
            final Thread closer = new Thread(() -> afterBoth(start, port::close, failure));
            closer.start();
            afterBoth(start, port::cancel, failure);
            closer.join();
            assertEquals(64, pool.available(), "every chunk back once, round " + round);
        }
        if (failure.get() != null) {
            throw new AssertionError("a chunk was released twice", failure.get());
        }
    }

    /** Runs {@code action} once both threads reached {@code start}, as close to the other one as can be. */
    private static void afterBoth(CyclicBarrier start, Runnable action, AtomicReference<Throwable> failure) {
        try {
            start.await();
            action.run();
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    /** A fused port whose transfer lets the reader cancel first, as another thread could at that moment. */
    private static final class CancelDuringTransfer extends CreditedPort {
        private final QueuePort queue = new QueuePort("fused", 4);

        CancelDuringTransfer() {
            super("cancel during transfer", 4);
        }

        @Override
        int transfer(Chunk chunk) {
            cancel();
            return queue.transfer(chunk);
        }

        @Override
        Chunk receive(ChunkPool pool) {
            return queue.receive(pool);
        }

        @Override
        void discard() {
            queue.discard();
        }
    }
}
