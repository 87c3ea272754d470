package io.flowswitch.devices.port;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * A fused port: two co-located stages hand pooled chunks over a bounded single-producer,
 * single-consumer queue. Ownership passes with the reference; no byte is copied.
 */
public final class QueuePort extends CreditedPort {
    private final OneToOneConcurrentArrayQueue<Chunk> queue;

    public QueuePort(String description, int capacityChunks) {
        super(description, capacityChunks);
        this.queue = new OneToOneConcurrentArrayQueue<>(Math.max(2, capacityChunks));
    }

    @Override
    int transfer(Chunk chunk) {
        // Credit bounds the queue, so offer cannot fail here unless the port is misused.
        return queue.offer(chunk) ? OK : NO_CREDIT;
    }

    @Override
    Chunk receive(ChunkPool pool) {
        return queue.poll();
    }

    @Override
    void discard() {
        Chunk chunk;
        while ((chunk = queue.poll()) != null) {
            chunk.release();
        }
    }
}
