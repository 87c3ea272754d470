package io.flowswitch.devices.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitJoinTest {
    private static final int CHUNK = FlowContext.MIN_CHUNK_BYTES;

    private final FlowContext context = new FlowContext(1, CHUNK, Map.of());
    private final ChunkPool pool = new ChunkPool(CHUNK, 4);
    private final SplitDevice split = new SplitKind().create(params("split", 8), context);
    private final JoinDevice join = new JoinKind().create(params("join", 8), context);

    @Test
    void theDataPartGoesThroughAndTheHeaderPartComesBackInFront() {
        final Chunk chunk = chunk(0, "HEADER01payload");
        split.accept(chunk);
        final Chunk data = split.poll(pool);
        assertEquals("payload", text(data));
        assertTrue(data.header().hasFlag(ChunkFlags.DATA_PART));
        // What a device between might do: change the data part, put its own bytes in the headroom.
        Arrays.fill(data.array(), data.payloadOffset() - 16, data.payloadOffset(), (byte) 'x');
        data.array()[data.payloadOffset()] = 'P';
        join.accept(data);
        final Chunk joined = join.poll(pool);
        assertEquals("HEADER01Payload", text(joined));
        assertEquals(0, joined.header().flags() & ChunkFlags.DATA_PART);
        joined.release();
        join.endOfInput();
        assertTrue(join.isFinished());
    }

    @Test
    void aChunkWithoutAHeaderPartAndAHeaderPartWithoutAChunkAreBothReported() {
        final DeviceException noPart = assertThrows(DeviceException.class, () -> join.accept(chunk(5, "stray")));
        assertTrue(noPart.getMessage().startsWith("stage (join): chunk 5 came out of the stages between split and join"
            + " without a header part"), noPart.getMessage());

        split.accept(chunk(7, "HEADER07data"));
        split.poll(pool).release();
        final DeviceException lost = assertThrows(DeviceException.class, join::endOfInput);
        assertEquals("stage (join): the header part of chunk 7 was split off but its chunk never reached the join:"
            + " a stage between split and join dropped or merged chunks", lost.getMessage());
        assertEquals(pool.capacityChunks(), pool.available());
    }

    @Test
    void aChunkShorterThanItsHeaderPartIsRefused() {
        final DeviceException e = assertThrows(DeviceException.class, () -> split.accept(chunk(0, "short")));
        assertTrue(e.getMessage().contains("chunk 0 carries 5 bytes, fewer than its 8-byte header part"),
            e.getMessage());
        assertEquals(pool.capacityChunks(), pool.available());
    }

    @Test
    void splitAndJoinOfOnePairMustAgreeOnTheHeaderSize() {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> new JoinKind().create(params("join", 12), context));
        assertTrue(e.getMessage().contains("parameter 'header-bytes' is 12 but the other end of pair 'p' says 8"),
            e.getMessage());
    }

    private Chunk chunk(long sequence, String payload) {
        final Chunk chunk = pool.acquire();
        final byte[] bytes = payload.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, chunk.array(), Chunk.HEADROOM, bytes.length);
        chunk.payload(Chunk.HEADROOM, bytes.length);
        chunk.header().sequence(sequence);
        return chunk;
    }

    private static String text(Chunk chunk) {
        return new String(chunk.array(), chunk.payloadOffset(), chunk.payloadLength(),
            java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static DeviceParams params(String kind, int headerBytes) {
        return DeviceParams.of("stage (" + kind + ")", SplitKind.HEADER_BYTES, Integer.toString(headerBytes),
            SplitKind.PAIR, "p");
    }
}
