package io.flowswitch.devices.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AppPipeTest {
    private static final int CHUNK = 4096;

    @Test
    void aLentPageRefusesEveryAccessUntilTheFlowReleasesIt() throws Exception {
        try (AppPipe pipe = new AppPipe(CHUNK, 2, 0)) {
            final SharedPage page = new SharedPage(CHUNK);
            page.put(0, new byte[] {1, 2, 3}, 0, 3);
            pipe.send(page, 3);

            assertFalse(page.owned());
            assertThrows(SharedPage.PageLentException.class, () -> page.put(0, new byte[1], 0, 1));
            assertThrows(SharedPage.PageLentException.class, () -> page.get(0));
            assertThrows(SharedPage.PageLentException.class, () -> page.get(0, new byte[3], 0, 3));
            assertThrows(SharedPage.PageLentException.class, () -> pipe.send(page, 3), "lent twice");
            assertFalse(page.awaitReturn(20, TimeUnit.MILLISECONDS));

            final Chunk inFlow = pipe.take();
            assertEquals(3, inFlow.payloadLength());
            assertArrayEquals(new byte[] {1, 2, 3},
                Arrays.copyOfRange(inFlow.array(), inFlow.payloadOffset(), inFlow.payloadEnd()), "no copy: the page's bytes");
            assertThrows(SharedPage.PageLentException.class, () -> page.get(0), "still in the flow");
            inFlow.release();

            assertTrue(page.awaitReturn(1, TimeUnit.SECONDS));
            page.put(0, new byte[] {9}, 0, 1);
            assertEquals(9, page.get(0));
        }
    }

    @Test
    void writesAreCopiedOnceAndEachIsItsOwnChunkWithoutBatching() throws Exception {
        try (AppPipe pipe = new AppPipe(CHUNK, 4, 0)) {
            pipe.write(new byte[100], 0, 100);
            pipe.write(new byte[CHUNK + 10], 0, CHUNK + 10);
            assertEquals(100 + CHUNK + 10, pipe.copiedBytes());
            assertEquals(100, pipe.take().payloadLength());
            assertEquals(CHUNK, pipe.take().payloadLength());
            assertEquals(10, pipe.take().payloadLength());
        }
    }

    @Test
    void smallWritesShareAChunkThatLeavesWhenFullOrWhenTheDelayIsUp() throws Exception {
        final AppPipe pipe = new AppPipe(CHUNK, 4, TimeUnit.MILLISECONDS.toNanos(20));
        final byte[] message = new byte[100];
        for (int i = 0; i < 50; i++) {
            Arrays.fill(message, (byte) i);
            pipe.write(message, 0, message.length);
        }
        final Chunk full = pipe.take();
        assertEquals(CHUNK, full.payloadLength(), "40.96 messages filled the first chunk");
        full.release();
        final long start = System.nanoTime();
        final Chunk aged = pipe.take();
        assertEquals(50 * 100 - CHUNK, aged.payloadLength(), "the rest left without a flush");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        assertEquals(2, pipe.chunksHandedOver());
        aged.release();
        pipe.close();
        assertNull(pipe.take(), "the end of the stream");
        pipe.unregister();
    }

    @Test
    void aPipeSourceLendsTheChunksAndEndsThePipeWhenItsFlowEndsEarly() {
        final AppPipe pipe = new AppPipe(CHUNK, 2, 0);
        final PipeSource source = new PipeSourceKind().create(DeviceParams.of("stage 1 (pipe-source)", "pipe",
            pipe.name()), new FlowContext(1, CHUNK, Map.of()));
        pipe.write(new byte[7], 0, 7);
        final Chunk unused = Chunk.unpooled(CHUNK);
        assertEquals(7, source.read(unused));
        final Chunk lent = source.lentChunk();
        assertEquals(7, lent.payloadLength());
        assertNull(source.lentChunk());
        lent.release();
        source.close();
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> pipe.write(new byte[1], 0, 1));
        assertTrue(e.getMessage().contains("ended"), e.getMessage());
        pipe.unregister();
    }
}
