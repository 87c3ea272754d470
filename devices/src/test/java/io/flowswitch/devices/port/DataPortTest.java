package io.flowswitch.devices.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.driver.MediaDriverNode;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataPortTest {
    private static final int CHUNK_BYTES = 64 * 1024;
    private static MediaDriverNode node;

    @BeforeAll
    static void startDriver() {
        node = MediaDriverNode.launch();
    }

    @AfterAll
    static void stopDriver() {
        node.close();
    }

    private static DataPort open(String transport, int capacity) {
        return "aeron".equals(transport)
            ? AeronIpcPort.open(node, 5000 + STREAM.incrementAndGet(), capacity, CHUNK_BYTES + Chunk.TAILROOM)
            : new QueuePort("fused", capacity);
    }

    private static final AtomicInteger STREAM = new AtomicInteger();

    @ParameterizedTest
    @ValueSource(strings = {"aeron", "fused"})
    void offerBeyondCreditIsRejectedAndTheChunkStaysWithTheWriter(String transport) {
        final ChunkPool pool = new ChunkPool(CHUNK_BYTES, 8);
        try (DataPort port = open(transport, 2)) {
            assertEquals(DataPort.OK, port.offer(filled(pool, 0, 100)));
            assertEquals(DataPort.OK, port.offer(filled(pool, 1, 200)));
            final Chunk third = filled(pool, 2, 300);
            assertEquals(DataPort.NO_CREDIT, port.offer(third), "no credit: explicit rejection");
            assertEquals(1, port.creditRejections());
            final AtomicInteger rings = new AtomicInteger();
            assertTrue(!port.awaitCredit(rings::incrementAndGet), "writer waits for credit");

            final Chunk first = port.poll(pool);
            assertNotNull(first);
            assertEquals(0, first.header().sequence());
            assertEquals(100, first.payloadLength());
            assertEquals(1, rings.get(), "taking a chunk returns credit and wakes the writer");
            first.release();

            assertEquals(DataPort.OK, port.offer(third));
            assertEquals(1, port.poll(pool).header().sequence());
            final Chunk last = port.poll(pool);
            assertEquals(2, last.header().sequence());
            assertEquals((byte) 2, last.array()[last.payloadOffset() + 299], "payload bytes arrive intact");
            last.release();
            port.finish();
            assertNull(port.poll(pool));
            assertTrue(port.isDrained());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aeron", "fused"})
    void readerIsWokenWhenDataArrivesAndFailureIsForwarded(String transport) {
        final ChunkPool pool = new ChunkPool(CHUNK_BYTES, 4);
        try (DataPort port = open(transport, 4)) {
            final AtomicInteger rings = new AtomicInteger();
            assertTrue(!port.awaitData(rings::incrementAndGet, pool));
            port.offer(filled(pool, 0, CHUNK_BYTES));
            assertEquals(1, rings.get());
            final Chunk chunk = port.poll(pool);
            assertEquals(CHUNK_BYTES, chunk.payloadLength(), "a fragmented 64 KiB message is reassembled");
            chunk.release();
            final RuntimeException cause = new RuntimeException("boom");
            port.fail(cause);
            assertSame(cause, port.failure());
        }
        assertEquals(4, pool.available(), "every chunk back in the pool");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aeron", "fused"})
    void cancelClosesTheWriterSide(String transport) {
        final ChunkPool pool = new ChunkPool(CHUNK_BYTES, 4);
        try (DataPort port = open(transport, 4)) {
            port.offer(filled(pool, 0, 10));
            port.cancel();
            final Chunk chunk = filled(pool, 1, 10);
            assertEquals(DataPort.CLOSED, port.offer(chunk));
            chunk.release();
        }
        assertEquals(4, pool.available(), "chunks inside a cancelled port are released");
    }

    private static Chunk filled(ChunkPool pool, long sequence, int length) {
        final Chunk chunk = pool.acquire();
        java.util.Arrays.fill(chunk.array(), Chunk.HEADROOM, Chunk.HEADROOM + length, (byte) sequence);
        chunk.payload(Chunk.HEADROOM, length);
        chunk.header().flowId(9).sequence(sequence).byteOffset(sequence * length);
        return chunk;
    }
}
