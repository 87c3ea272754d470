package io.flowswitch.devices.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.BytesSource;
import io.flowswitch.devices.testkit.CollectingSink;
import io.flowswitch.devices.testkit.StreamSystem;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.UniformFanInShape;
import org.apache.pekko.stream.UniformFanOutShape;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A balance whose active replicas change while chunks flow, merged back in order, as a re-planned flow runs. */
class ReplicaBalanceTest {
    private static final int CHUNK_BYTES = 1024;
    private static final int REPLICAS = 4;
    @RegisterExtension
    static final StreamSystem streams = new StreamSystem("balance-test");

    @Test
    void parkedReplicasTakeNoNewChunks() throws Exception {
        final byte[] data = data(300 * CHUNK_BYTES + 5);
        final AtomicLongArray taken = new AtomicLongArray(REPLICAS);
        final CollectingSink sink = run(data, new AtomicInteger(1), taken, null);
        assertArrayEquals(data, sink.bytes());
        assertEquals(301, taken.get(0));
        assertEquals(0, taken.get(1) + taken.get(2) + taken.get(3), "replicas past the active count are parked");
    }

    @Test
    void activeReplicasChangingWhileChunksFlowLoseDuplicateAndReorderNothing() throws Exception {
        final byte[] data = data(2000 * CHUNK_BYTES + 77);
        final AtomicInteger active = new AtomicInteger(REPLICAS);
        final AtomicLongArray taken = new AtomicLongArray(REPLICAS);
        final int[] counts = {4, 1, 3, 2, 4, 1};
        final Thread replanner = new Thread(() -> {
            for (int i = 0; ; i++) {
                active.set(counts[i % counts.length]);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        final CollectingSink sink = run(data, active, taken, replanner);
        assertArrayEquals(data, sink.bytes(), "every byte once, in order");
        long sum = 0;
        for (int r = 0; r < REPLICAS; r++) {
            sum += taken.get(r);
        }
        assertEquals(2001, sum, "every chunk went through exactly one replica");
    }

    private static byte[] data(int length) {
        final byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        return data;
    }

    private static CollectingSink run(byte[] data, AtomicInteger active, AtomicLongArray taken, Thread replanner)
        throws Exception {
        final ChunkPool pool = new ChunkPool(CHUNK_BYTES, 32);
        final CollectingSink sink = new CollectingSink(0);
        final Flow<Chunk, Chunk, NotUsed> replicated = Flow.fromGraph(GraphDSL.create(builder -> {
            final UniformFanOutShape<Chunk, Chunk> balance = builder.add(new ReplicaBalance(REPLICAS, active, "b"));
            final UniformFanInShape<Chunk, Chunk> merge = builder.add(new SequenceMerge(REPLICAS, "m"));
            for (int r = 0; r < REPLICAS; r++) {
                final int replica = r;
                final FlowShape<Chunk, Chunk> stage = builder.add(Flow.of(Chunk.class).map(chunk -> {
                    taken.incrementAndGet(replica);
                    return chunk;
                }).async());
                builder.from(balance.out(r)).via(stage).toInlet(merge.in(r));
            }
            return FlowShape.of(balance.in(), merge.out());
        }));
        if (replanner != null) {
            replanner.start();
        }
        try {
            Source.fromGraph(new SourceStage(new BytesSource(data, CHUNK_BYTES), pool, 1, new StageCounters("1:s")))
                .via(replicated)
                .toMat(Sink.fromGraph(new SinkStage(sink, new StageCounters("2:k"))), Keep.right())
                .run(streams.materializer()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } finally {
            if (replanner != null) {
                replanner.interrupt();
                replanner.join();
            }
        }
        assertTrue(sink.finished());
        assertEquals(pool.capacityChunks(), pool.available(), "every chunk back in the pool");
        StreamTestKit.assertAllStagesStopped(streams.materializer());
        return sink;
    }
}
