package io.flowswitch.devices.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.devices.port.AeronIpcPort;
import io.flowswitch.devices.port.DataPort;
import io.flowswitch.devices.port.QueuePort;
import io.flowswitch.devices.testkit.BytesSource;
import io.flowswitch.devices.testkit.CollectingSink;
import io.flowswitch.devices.testkit.StreamSystem;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two islands joined by a port: source island and sink island, as a compiled flow runs them. */
class StagePipelineTest {
    private static final int CHUNK_BYTES = 4096;
    @RegisterExtension
    static final StreamSystem streams = new StreamSystem("stage-test");
    private static MediaDriverNode node;

    @BeforeAll
    static void start() {
        node = MediaDriverNode.launch();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aeron", "fused"})
    void slowSinkBoundsWhatIsInFlightAndEveryByteArrivesInOrder(String transport) throws Exception {
        final byte[] data = new byte[2 * 1024 * 1024 + 123];
        new Random(7).nextBytes(data);
        final int poolChunks = 12;
        final ChunkPool pool = new ChunkPool(CHUNK_BYTES, poolChunks);
        final BytesSource source = new BytesSource(data, CHUNK_BYTES);
        final CollectingSink sink = new CollectingSink(TimeUnit.MICROSECONDS.toNanos(100));
        final StageCounters sourceCounters = new StageCounters("1:source");
        final StageCounters sinkCounters = new StageCounters("2:sink");
        try (DataPort port = "aeron".equals(transport)
            ? AeronIpcPort.open(node, 7000 + (int) (System.nanoTime() & 0xff), 4, CHUNK_BYTES + Chunk.TAILROOM)
            : new QueuePort("fused", 4)) {
            final AtomicLong maxInFlightBytes = new AtomicLong();
            final AtomicBoolean running = new AtomicBoolean(true);
            final Thread sampler = new Thread(() -> {
                while (running.get()) {
                    maxInFlightBytes.accumulateAndGet(source.position() - (long) sink.size(), Math::max);
                    try {
                        Thread.sleep(0, 200_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();

            final CompletableFuture<Done> written = Source.fromGraph(new SourceStage(source, pool, 1, sourceCounters))
                .toMat(Sink.fromGraph(new PortWriterStage(port, "writer")), Keep.right())
                .run(streams.materializer()).toCompletableFuture();
            final CompletableFuture<Done> consumed = Source.fromGraph(new PortReaderStage(port, pool, "reader"))
                .toMat(Sink.fromGraph(new SinkStage(sink, sinkCounters)), Keep.right())
                .run(streams.materializer()).toCompletableFuture();
            CompletableFuture.allOf(written, consumed).get(60, TimeUnit.SECONDS);
            running.set(false);
            sampler.join();

            assertArrayEquals(data, sink.bytes(), "bytes out equal bytes in, in order");
            assertTrue(sink.finished());
            assertEquals(data.length, sinkCounters.bytesIn());
            assertTrue(maxInFlightBytes.get() <= (long) poolChunks * CHUNK_BYTES,
                "in flight " + maxInFlightBytes.get() + " bytes exceeds the pool of " + poolChunks + " chunks");
            assertTrue(maxInFlightBytes.get() < data.length / 4, "the source did not run ahead of the slow sink");
        }
        assertEquals(poolChunks, pool.available(), "every chunk back in the pool once the port is closed");
        StreamTestKit.assertAllStagesStopped(streams.materializer());
        assertTrue(source.closed() && sink.closed(), "stages close their devices when they stop");
    }

    /**
     * A flow that ends closes its ports; an island that only then starts finds chunks offered and never
     * taken, but none left to take. Its reader fails at once (a sink behind it removes partial output)
     * instead of waiting for chunks that were released, and every stage stops.
     */
    @ParameterizedTest
    @ValueSource(strings = {"aeron", "fused"})
    void aReaderThatStartsAfterItsPortWasClosedFailsAndStops(String transport) throws Exception {
        final ChunkPool pool = new ChunkPool(1024, 4);
        final DataPort port = "aeron".equals(transport)
            ? AeronIpcPort.open(node, 7300 + (int) (System.nanoTime() & 0xff), 4, 1024 + Chunk.TAILROOM)
            : new QueuePort("fused edge 2->3", 4);
        assertEquals(DataPort.OK, port.offer(pool.acquire()));
        assertEquals(DataPort.OK, port.offer(pool.acquire()));
        port.close();
        assertEquals(4, pool.available(), "closing released what the port held");

        final CompletableFuture<Done> done = Source.fromGraph(new PortReaderStage(port, pool, "3:sink"))
            .runWith(Sink.ignore(), streams.materializer()).toCompletableFuture();
        final ExecutionException error = assertThrows(ExecutionException.class, () -> done.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, error.getCause());
        assertTrue(error.getCause().getMessage().startsWith(port.description() + " was closed before its reader took"),
            error.getCause().getMessage());
        StreamTestKit.assertAllStagesStopped(streams.materializer());
        assertEquals(4, pool.available(), "the reader took no chunk from the pool to read into");
    }
}
