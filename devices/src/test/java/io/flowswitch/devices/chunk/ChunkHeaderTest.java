package io.flowswitch.devices.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ChunkHeaderTest {
    @Test
    void fieldsLieWhereTheLayoutSaysInLittleEndian() {
        final byte[] bytes = new byte[ChunkHeader.LENGTH];
        new ChunkHeader().wrap(new UnsafeBuffer(bytes), 0)
            .flowId(0x0102030405060708L)
            .sequence(42)
            .byteOffset(1L << 40)
            .payloadLength(65536)
            .flags(ChunkFlags.FIRST | ChunkFlags.PASS_THROUGH)
            .passThroughOffset(7)
            .passThroughLength(9);

        final ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x0102030405060708L, view.getLong(0));
        assertEquals(0x08, bytes[0], "least significant byte first");
        assertEquals(42, view.getLong(8));
        assertEquals(1L << 40, view.getLong(16));
        assertEquals(65536, view.getInt(24));
        assertEquals(ChunkFlags.FIRST | ChunkFlags.PASS_THROUGH, view.getInt(28));
        assertEquals(7, view.getInt(32));
        assertEquals(9, view.getInt(36));
    }

    @Test
    void wrapsAtAnOffsetAndCopies() {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[100]);
        final ChunkHeader a = new ChunkHeader().wrap(buffer, 10).sequence(5).payloadLength(3);
        final ChunkHeader b = new ChunkHeader().wrap(buffer, 50).copyFrom(a);
        assertEquals(5, b.sequence());
        assertEquals(3, b.payloadLength());
        assertEquals("FIRST|LAST", ChunkFlags.toString(ChunkFlags.FIRST | ChunkFlags.LAST));
    }

    @Test
    void poolIsBoundedAndCatchesDoubleRelease() {
        final ChunkPool pool = new ChunkPool(1024, 2);
        final Chunk a = pool.acquire();
        final Chunk b = pool.acquire();
        assertEquals(null, pool.acquire(), "an empty pool is back pressure, never an allocation");
        a.release();
        assertThrows(IllegalStateException.class, a::release);
        b.release();
        assertEquals(2, pool.available());
    }

    @Test
    void poolRingsAWaiterOnRelease() {
        final ChunkPool pool = new ChunkPool(1024, 1);
        final Chunk only = pool.acquire();
        final int[] rings = new int[1];
        assertEquals(false, pool.awaitRelease(() -> rings[0]++));
        only.release();
        assertEquals(1, rings[0]);
        assertEquals(true, pool.awaitRelease(() -> rings[0]++), "ready at once: nothing armed");
        assertEquals(1, rings[0]);
    }

    @Test
    void everyWaiterIsWokenNotOnlyTheLast() {
        final ChunkPool pool = new ChunkPool(1024, 2);
        final Chunk a = pool.acquire();
        final Chunk b = pool.acquire();
        final int[] rings = new int[2];
        assertEquals(false, pool.awaitRelease(() -> rings[0]++));
        assertEquals(false, pool.awaitRelease(() -> rings[1]++));
        a.release();
        assertEquals(1, rings[0], "the first waiter is woken");
        assertEquals(1, rings[1], "and the second");
        b.release();
        assertEquals(2, rings[0] + rings[1], "a wake-up runs once per arming");
    }

    @Test
    void payloadRangeMustStayInsideTheArray() {
        final Chunk chunk = Chunk.unpooled(1024);
        assertThrows(IllegalArgumentException.class, () -> chunk.payload(0, 10));
        assertThrows(IllegalArgumentException.class, () -> chunk.payload(Chunk.HEADROOM, 1024 + Chunk.TAILROOM + 1));
        chunk.payload(Chunk.HEADROOM, 100);
        assertEquals(100, chunk.header().payloadLength());
    }
}
