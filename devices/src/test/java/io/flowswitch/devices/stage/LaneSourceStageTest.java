package io.flowswitch.devices.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.StreamSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source stages of one flow's lanes, each alone into a probe, claiming chunk positions from one
 * {@link LaneCursor}: every chunk once, whichever lane reads it; a parked lane takes nothing until it is
 * activated and completes when the source passes its end.
 */
class LaneSourceStageTest {
    private static final int CHUNK = 4096;
    private static final DeviceCatalog CATALOG = DeviceCatalog.builtIn();
    private static final FlowContext CONTEXT = new FlowContext(1, CHUNK, Map.of());
    private static final Duration QUIET = Duration.ofMillis(150);
    @RegisterExtension
    static final StreamSystem streams = new StreamSystem("lane-source-test");

    @TempDir
    Path dir;

    @Test
    void lanesClaimingFromOneCursorReadEveryChunkExactlyOnce() throws Exception {
        final byte[] data = data(37 * CHUNK + 100);
        final Path in = Files.write(dir.resolve("in.bin"), data);
        final LaneCursor cursor = new LaneCursor(3);
        final ChunkPool[] pools = new ChunkPool[3];
        final ConcurrentLinkedQueue<long[]> seen = new ConcurrentLinkedQueue<>();
        final byte[] rebuilt = new byte[data.length];
        final List<CompletableFuture<Done>> lanes = new ArrayList<>();
        for (int lane = 0; lane < 3; lane++) {
            pools[lane] = new ChunkPool(CHUNK, 2);
            final int l = lane;
            lanes.add(laneSource(in, pools[lane], cursor, lane).runWith(Sink.foreach(chunk -> {
                seen.add(new long[] {chunk.header().sequence(), chunk.header().byteOffset(), chunk.payloadLength(),
                    chunk.header().flags(), l});
                System.arraycopy(chunk.array(), chunk.payloadOffset(), rebuilt, (int) chunk.header().byteOffset(),
                    chunk.payloadLength());
                chunk.release();
            }), streams.materializer()).toCompletableFuture());
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

        final long[] sequences = seen.stream().mapToLong(c -> c[0]).sorted().toArray();
        final long[] expected = new long[38];
        Arrays.setAll(expected, i -> i);
        assertArrayEquals(expected, sequences, "chunks 0 to 37, each once");
        for (long[] chunk : seen) {
            assertEquals(chunk[0] * CHUNK, chunk[1], "chunk " + chunk[0] + " is at its place in the file");
            assertEquals(chunk[0] == 0 ? ChunkFlags.FIRST : chunk[0] == 37 ? ChunkFlags.LAST : 0, chunk[3],
                "flags of chunk " + chunk[0]);
        }
        assertArrayEquals(data, rebuilt);
        assertTrue(cursor.passedEnd());
        for (ChunkPool pool : pools) {
            assertEquals(pool.capacityChunks(), pool.available(), "every chunk back in its lane's pool");
        }
        StreamTestKit.assertAllStagesStopped(streams.materializer());
    }

    @Test
    void aParkedLaneTakesNothingResumesWhenActivatedAndCompletesWhenTheSourceEnds() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), data(10 * CHUNK));
        final LaneCursor cursor = new LaneCursor(2);
        cursor.activate(1);
        final ChunkPool pool0 = new ChunkPool(CHUNK, 4);
        final ChunkPool pool1 = new ChunkPool(CHUNK, 4);
        final TestSubscriber.Probe<Chunk> lane0 = laneSource(in, pool0, cursor, 0)
            .runWith(TestSink.create(streams.system()), streams.materializer());
        final TestSubscriber.Probe<Chunk> lane1 = laneSource(in, pool1, cursor, 1)
            .runWith(TestSink.create(streams.system()), streams.materializer());

        lane1.request(1);
        lane1.expectNoMessage(QUIET);
        lane0.request(3);
        for (int i = 0; i < 3; i++) {
            assertSequence(i, lane0.expectNext());
        }
        assertEquals(3, cursor.claimed(), "the parked lane claimed nothing");

        cursor.activate(2);
        assertSequence(3, lane1.expectNext());

        cursor.activate(1);
        lane1.request(1);
        lane1.expectNoMessage(QUIET);
        lane0.request(100);
        for (int i = 4; i < 10; i++) {
            assertSequence(i, lane0.expectNext());
        }
        lane0.expectComplete();
        lane1.expectComplete();
        assertEquals(pool0.capacityChunks(), pool0.available());
        assertEquals(pool1.capacityChunks(), pool1.available());
        StreamTestKit.assertAllStagesStopped(streams.materializer());
    }

    @Test
    void aParkedLaneThatIsCancelledStopsAndIsNoLongerWoken() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), data(4 * CHUNK));
        final LaneCursor cursor = new LaneCursor(2);
        cursor.activate(1);
        final ChunkPool pool1 = new ChunkPool(CHUNK, 2);
        final TestSubscriber.Probe<Chunk> lane1 = laneSource(in, pool1, cursor, 1)
            .runWith(TestSink.create(streams.system()), streams.materializer());
        lane1.request(1);
        lane1.expectNoMessage(QUIET);
        lane1.cancel();
        StreamTestKit.assertAllStagesStopped(streams.materializer());

        // Waking a lane that stopped does nothing: its wake-up is gone.
        cursor.activate(2);
        assertEquals(0, cursor.claimed());
        assertEquals(pool1.capacityChunks(), pool1.available());
    }

    @Test
    void anEmptySourceGivesOneEmptyChunkWhicheverLaneClaimsIt() throws Exception {
        final Path in = Files.write(dir.resolve("empty.bin"), new byte[0]);
        final LaneCursor cursor = new LaneCursor(3);
        final ConcurrentLinkedQueue<long[]> seen = new ConcurrentLinkedQueue<>();
        final List<CompletableFuture<Done>> lanes = new ArrayList<>();
        for (int lane = 0; lane < 3; lane++) {
            lanes.add(laneSource(in, new ChunkPool(CHUNK, 2), cursor, lane).runWith(Sink.foreach(chunk -> {
                seen.add(new long[] {chunk.header().sequence(), chunk.payloadLength(), chunk.header().flags()});
                chunk.release();
            }), streams.materializer()).toCompletableFuture());
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertEquals(1, seen.size(), "one chunk in all");
        assertArrayEquals(new long[] {0, 0, ChunkFlags.FIRST | ChunkFlags.LAST}, seen.peek());
        StreamTestKit.assertAllStagesStopped(streams.materializer());
    }

    @Test
    void theCursorHandsEveryIndexOutOnceAcrossThreads() throws Exception {
        final LaneCursor cursor = new LaneCursor(4);
        final int perThread = 50_000;
        final long[][] claims = new long[4][perThread];
        final Thread[] threads = new Thread[4];
        for (int t = 0; t < 4; t++) {
            final long[] mine = claims[t];
            threads[t] = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    mine[i] = cursor.claim();
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        final long[] all = Arrays.stream(claims).flatMapToLong(Arrays::stream).sorted().toArray();
        for (int i = 0; i < all.length; i++) {
            assertEquals(i, all[i], "index " + i + " handed out once");
        }
    }

    @Test
    void theCursorWakesLanesWhenTheCountChangesAndOnceAtTheEnd() {
        final LaneCursor cursor = new LaneCursor(3);
        final AtomicInteger wakes = new AtomicInteger();
        cursor.onWake(2, wakes::incrementAndGet);
        cursor.activate(3);
        assertEquals(0, wakes.get(), "no change, no wake-up");
        cursor.activate(1);
        assertTrue(cursor.parked(2));
        assertFalse(cursor.parked(0));
        assertEquals(1, wakes.get());
        cursor.passEnd();
        cursor.passEnd();
        assertEquals(2, wakes.get(), "passing the end wakes once");
        final IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> cursor.activate(4));
        assertEquals("active lanes must be between 1 and 3, got 4", tooMany.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cursor.activate(0));
    }

    private static void assertSequence(long expected, Chunk chunk) {
        try {
            assertEquals(expected, chunk.header().sequence());
            assertEquals(expected * CHUNK, chunk.header().byteOffset());
        } finally {
            chunk.release();
        }
    }

    private static Source<Chunk, org.apache.pekko.NotUsed> laneSource(Path in, ChunkPool pool, LaneCursor cursor,
        int lane) {
        return Source.fromGraph(new SourceStage(source(in), pool, 1, new StageCounters("1:file-source@lane" + lane),
            cursor, lane, CHUNK));
    }

    private static SourceDevice source(Path path) {
        return (SourceDevice) CATALOG.find("file-source").orElseThrow()
            .create(DeviceParams.of("stage 1 (file-source)", "path", path.toString()), CONTEXT);
    }

    private static byte[] data(int length) {
        final byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        return data;
    }
}
