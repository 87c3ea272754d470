package io.flowswitch.flow.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Small flows share chunk pools one after another, and no flow sees another's bytes. */
class SmallFlowPoolsTest {
    private static final int CHUNK_BYTES = 4096;
    @RegisterExtension
    static final FlowRunner flows = new FlowRunner("small-flow-pools-test");

    @TempDir
    Path dir;

    @Test
    void aPoolWithEveryChunkBackIsKeptAndHandedToTheNextFlowOfItsShape() {
        final SmallFlowPools pools = new SmallFlowPools(1 << 20);
        final ChunkPool first = pools.take(CHUNK_BYTES, 13);
        assertTrue(pools.giveBack(first));
        assertEquals(13L * CHUNK_BYTES, pools.retainedBytes());
        assertSame(first, pools.take(CHUNK_BYTES, 13), "the kept pool goes to the next flow");
        assertEquals(0, pools.retainedBytes());
        assertNotSame(first, pools.take(CHUNK_BYTES, 12), "a pool of another shape is never handed out");
    }

    @Test
    void aPoolWhoseChunkIsStillHeldIsNotKept() {
        final SmallFlowPools pools = new SmallFlowPools(1 << 20);
        final ChunkPool pool = pools.take(CHUNK_BYTES, 4);
        final Chunk held = pool.acquire();
        assertFalse(pools.giveBack(pool), "a chunk released later would land in another flow's pool");
        assertEquals(0, pools.retainedBytes());
        held.release();
        assertNotSame(pool, pools.take(CHUNK_BYTES, 4));
    }

    @Test
    void keptPoolsStayWithinTheirBytesAndTheirCountPerShape() {
        final SmallFlowPools pools = new SmallFlowPools(3L * 4 * CHUNK_BYTES);
        for (int i = 0; i < 3; i++) {
            assertTrue(pools.giveBack(new ChunkPool(CHUNK_BYTES, 4)));
        }
        assertFalse(pools.giveBack(new ChunkPool(CHUNK_BYTES, 4)), "past the byte bound");
        assertEquals(3L * 4 * CHUNK_BYTES, pools.retainedBytes());

        final SmallFlowPools many = new SmallFlowPools(1 << 30);
        for (int i = 0; i < SmallFlowPools.MAX_POOLS_PER_SHAPE; i++) {
            assertTrue(many.giveBack(new ChunkPool(CHUNK_BYTES, 1)));
        }
        assertFalse(many.giveBack(new ChunkPool(CHUNK_BYTES, 1)), "past the count per shape");
        assertEquals((long) SmallFlowPools.MAX_POOLS_PER_SHAPE * CHUNK_BYTES, many.retainedBytes());
    }

    @Test
    void directSmallFlowsReuseOnePoolAndEachWritesExactlyItsOwnBytes() throws Exception {
        final FlowCompiler compiler = new FlowCompiler(DeviceCatalog.builtIn(), null);
        // Largest first: a later, shorter flow in a recycled pool must not write what an earlier one left.
        final int[] sizes = {4 * CHUNK_BYTES, 3 * CHUNK_BYTES + 5, 17, 0, CHUNK_BYTES - 1};
        for (int i = 0; i < sizes.length; i++) {
            final byte[] data = new byte[sizes[i]];
            new SplittableRandom(i).nextBytes(data);
            final Path in = Files.write(dir.resolve("in" + i), data);
            final Path out = dir.resolve("out" + i);
            final FlowSpec spec = Flows.from(Devices.file(in)).via(Devices.crc32c()).via(Devices.sha256())
                .to(Devices.fileSink(out)).chunkBytes(CHUNK_BYTES).name("small-" + i).build();
            final CompiledFlow flow = compiler.compile(spec, i + 1);
            assertEquals(0, compiler.smallFlowPools().retainedBytes(), "flow " + i + " took the kept pool");
            final FlowResult result = flows.start(flow).get(30, TimeUnit.SECONDS);
            assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
            assertArrayEquals(data, Files.readAllBytes(out), "flow " + i + " wrote exactly its own bytes");
            assertEquals((4 + 8) * (long) CHUNK_BYTES, compiler.smallFlowPools().retainedBytes(),
                "flow " + i + " gave its pool back with every chunk in it");
        }
    }
}
