package io.flowswitch.devices.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.CollectingSink;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.devices.testkit.StreamSystem;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink stage alone: a source of prepared chunks, the stage, a collecting sink. */
class SinkStageTest {
    private static final int CHUNK_BYTES = 1024;
    @RegisterExtension
    static final StreamSystem streams = new StreamSystem("sink-stage-test");

    /**
     * With fused ports the whole flow shares one pool, and the pool hands out the chunk released last first:
     * the instant the sink stage releases a chunk, a stage on another thread may take it and reset it. The
     * stage's count must be the bytes it wrote, not whatever the chunk holds by then (a flow once reported
     * one gzip chunk fewer bytes out than its tcp-sink had sent). The pool's wake-up runs on the releasing
     * thread, inside the release, so the next owner here takes the chunk at exactly that instant.
     */
    @Test
    void countsTheBytesItWroteEvenWhenTheReleasedChunkIsTakenAtOnce() throws Exception {
        final ChunkPool pool = new ChunkPool(CHUNK_BYTES, 1);
        final Chunk chunk = pool.acquire();
        final byte[] payload = new byte[777];
        Arrays.fill(payload, (byte) 'x');
        System.arraycopy(payload, 0, chunk.array(), Chunk.HEADROOM, payload.length);
        chunk.payload(Chunk.HEADROOM, payload.length);
        final AtomicReference<Chunk> nextOwner = new AtomicReference<>();
        assertFalse(pool.awaitRelease(() -> {
            final Chunk taken = pool.acquire();
            // The next owner fills it with something else at once.
            taken.payload(Chunk.HEADROOM, 5);
            nextOwner.set(taken);
        }), "the pool is empty: the wake-up waits for the release");
        final CollectingSink sink = new CollectingSink(0);
        final StageCounters counters = new StageCounters("2:sink");

        Source.single(chunk).toMat(Sink.fromGraph(new SinkStage(sink, counters)), Keep.right())
            .run(streams.materializer()).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertSame(chunk, nextOwner.get(), "the chunk was taken again the instant the stage released it");
        assertArrayEquals(payload, sink.bytes());
        assertEquals(1, counters.chunksIn());
        assertEquals(payload.length, counters.bytesIn(), "bytes counted in are the bytes the device wrote");
        assertTrue(sink.finished());
        // The stage closes its device as it stops, which may come just after its future completed.
        Eventually.assertWithin(Duration.ofSeconds(10), "the sink device closed", sink::closed);
        nextOwner.get().release();
        assertEquals(1, pool.available());
        StreamTestKit.assertAllStagesStopped(streams.materializer());
    }
}
