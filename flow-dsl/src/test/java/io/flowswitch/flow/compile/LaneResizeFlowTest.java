package io.flowswitch.flow.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.stage.SourceStage;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.ladder.Receipt;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow that runs as lanes (file, rate-limited accelerator, file) changes how many lanes read while it
 * runs, through {@link CompiledFlow#resizeReplicas}: the output is byte-identical to the input whatever the
 * count did, the lanes past the count take no new chunks, and an abort stops parked lanes too.
 */
class LaneResizeFlowTest {
    private static final int CHUNK = 64 * 1024;
    /** The stage the flow asks to replicate; in a lane flow its count is the lanes'. */
    private static final int ACCELERATOR = 1;
    @RegisterExtension
    static final FlowRunner flows = new FlowRunner("lane-resize-flow-test");

    @TempDir
    Path dir;

    @Test
    void fourLanesStartedWithOneGrowToFourAndShrinkToTwoWhileRunning() throws Exception {
        // 8 MiB per second per lane: one lane takes 0.25 s for the first third of the file.
        final byte[] data = data(6 * 1024 * 1024 + 1234);
        final CompiledFlow flow = compile(data, 8L << 20, 4);
        assertTrue(flow.resizeReplicas(ACCELERATOR, 1), "before run, the count it starts with");
        final CompletableFuture<FlowResult> result = flows.start(flow);

        waitFor(() -> flow.bytesRead() >= data.length / 3, flow, "a third of the file read by one lane");
        assertEquals(0, sourceBytes(flow, 1) + sourceBytes(flow, 2) + sourceBytes(flow, 3),
            "only lane 0 reads while the others are parked");

        assertTrue(flow.resizeReplicas(ACCELERATOR, 4));
        waitFor(() -> sourceBytes(flow, 1) > 0 && sourceBytes(flow, 2) > 0 && sourceBytes(flow, 3) > 0, flow,
            "every lane reading once all four are active");

        assertTrue(flow.resizeReplicas(ACCELERATOR, 2));
        assertEquals(2, flow.activeReplicas(ACCELERATOR));
        // A lane parks after the chunk it holds: at most one more each.
        final long lane2 = sourceBytes(flow, 2);
        final long lane3 = sourceBytes(flow, 3);
        assertFalse(result.isDone(), "the flow still runs after the shrink, so the shrink took effect in it");

        final FlowResult done = result.get(30, TimeUnit.SECONDS);
        assertTrue(done.succeeded(), () -> String.valueOf(done.error()));
        assertEquals(sha256(data), sha256(Files.readAllBytes(out())), "output byte-identical to the input");
        assertTrue(sourceBytes(flow, 2) <= lane2 + CHUNK && sourceBytes(flow, 3) <= lane3 + CHUNK,
            "parked lanes took no new chunk after the shrink: " + flow.receipt().segments());
        assertEquals(data.length, sourceBytes(flow, 0) + sourceBytes(flow, 1) + sourceBytes(flow, 2)
            + sourceBytes(flow, 3), "every byte read by exactly one lane");
        assertEquals(data.length, done.bytesIn());
        assertEquals(data.length, done.bytesOut());
        assertEquals((data.length + CHUNK - 1) / CHUNK, done.chunks());
        assertPoolsFull(flow);
        StreamTestKit.assertAllStagesStopped(flows.materializer());
    }

    @Test
    void lanesResizedManyTimesWhileRunningGiveTheSameBytes() throws Exception {
        final byte[] data = data(8 * 1024 * 1024 + 17);
        final CompiledFlow flow = compile(data, 24L << 20, 4);
        final int[] counts = {1, 4, 2, 3, 1, 2, 4, 3};
        final CompletableFuture<FlowResult> result = flows.start(flow);
        final AtomicInteger resizes = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final Thread replanner = new Thread(() -> {
            for (int i = 0; !result.isDone(); i++) {
                (flow.resizeReplicas(ACCELERATOR, counts[i % counts.length]) ? resizes : refused).incrementAndGet();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "lane-resizer");
        replanner.start();
        final FlowResult done = result.get(60, TimeUnit.SECONDS);
        replanner.join(5000);
        assertTrue(done.succeeded(), () -> String.valueOf(done.error()));
        assertEquals(0, refused.get(), "resizes refused");
        assertTrue(resizes.get() >= 10, "the count changed " + resizes.get() + " times while the flow ran");
        assertEquals(sha256(data), sha256(Files.readAllBytes(out())), "output byte-identical to the input");
        assertEquals((data.length + CHUNK - 1) / CHUNK, done.chunks(), "every chunk read once");
        assertPoolsFull(flow);
        StreamTestKit.assertAllStagesStopped(flows.materializer());
    }

    @Test
    void anAbortWithParkedLanesLeavesNoFileAndEveryChunkInItsPool() throws Exception {
        final byte[] data = data(8 * 1024 * 1024);
        final CompiledFlow flow = compile(data, 4L << 20, 4);
        assertTrue(flow.resizeReplicas(ACCELERATOR, 2));
        final CompletableFuture<FlowResult> result = flows.start(flow);
        waitFor(() -> flow.bytesDone() >= 4 * CHUNK, flow, "some chunks written");
        final IllegalStateException cause = new IllegalStateException("cancelled by its application");
        flow.abort(cause);
        final FlowResult done = result.get(30, TimeUnit.SECONDS);
        assertFalse(done.succeeded());
        assertSame(cause, done.error());
        assertEquals(0, sourceBytes(flow, 2) + sourceBytes(flow, 3), "lanes 2 and 3 stayed parked");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("in.bin")), files.toList(), "no output, no partial file");
        }
        assertPoolsFull(flow);
        StreamTestKit.assertAllStagesStopped(flows.materializer());
    }

    @Test
    void lanesThatNeverRanShowNoSegmentAndAnEmptyFileStaysEmpty() throws Exception {
        final byte[] data = data(3 * CHUNK + 5);
        final CompiledFlow flow = compile(data, 1L << 40, 3);
        assertTrue(flow.resizeReplicas(ACCELERATOR, 1));
        assertEquals(List.of("3 lanes (1 active), each fused end to end on one thread, claiming chunks from a"
            + " shared cursor"), flow.edges());
        final FlowResult done = flows.start(flow).get(30, TimeUnit.SECONDS);
        assertTrue(done.succeeded(), () -> String.valueOf(done.error()));
        assertEquals(sha256(data), sha256(Files.readAllBytes(out())));
        assertEquals(List.of("1:file-source@lane0 lane 0 " + data.length, "2:rate-limit@lane0 lane 0 " + data.length,
                "3:file-sink@lane0 lane 0 " + data.length),
            done.receipt().segments().stream().map(s -> s.stage() + " " + s.path() + " " + s.bytes()).toList());

        Files.delete(out());
        final Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        final CompiledFlow emptyFlow = flows.compile(spec(empty, 1L << 40, 4), 2);
        assertTrue(emptyFlow.resizeReplicas(ACCELERATOR, 2));
        final FlowResult emptyDone = flows.start(emptyFlow).get(30, TimeUnit.SECONDS);
        assertTrue(emptyDone.succeeded(), () -> String.valueOf(emptyDone.error()));
        assertEquals(0, Files.size(out()), "an empty input gives an empty output");
        assertEquals(1, emptyDone.chunks(), "one empty chunk says where the flow ends");
        assertPoolsFull(emptyFlow);
        StreamTestKit.assertAllStagesStopped(flows.materializer());
    }

    @Test
    void parkedLanesHoldNoThread() throws Exception {
        final byte[] data = data(2 * 1024 * 1024 + 3);
        final CompiledFlow flow = compile(data, 8L << 20, 8);
        assertTrue(flow.resizeReplicas(ACCELERATOR, 1));
        final CompletableFuture<FlowResult> result = flows.start(flow);
        waitFor(() -> flow.bytesRead() >= CHUNK, flow, "the active lane reading");
        // Seven lanes parked, one reading: no thread may be inside more than one lane.
        int mostInSources = 0;
        for (int i = 0; i < 20 && !result.isDone(); i++) {
            mostInSources = Math.max(mostInSources, threadsInSourceStages());
            Thread.sleep(5);
        }
        assertTrue(mostInSources <= 1, mostInSources + " threads inside lanes at once");
        assertEquals(0, sourceBytes(flow, 1) + sourceBytes(flow, 7));
        assertTrue(flow.resizeReplicas(ACCELERATOR, 8));
        final FlowResult done = result.get(30, TimeUnit.SECONDS);
        assertTrue(done.succeeded(), () -> String.valueOf(done.error()));
        assertEquals(sha256(data), sha256(Files.readAllBytes(out())));
        assertPoolsFull(flow);
        StreamTestKit.assertAllStagesStopped(flows.materializer());
    }

    /** Threads whose stack is inside a lane now: a {@code SourceStage} (a lane of stream stages) or a {@link LaneLoop}. */
    private static int threadsInSourceStages() {
        int count = 0;
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().startsWith(SourceStage.class.getName())
                    || frame.getClassName().startsWith(LaneLoop.class.getName())) {
                    count++;
                    break;
                }
            }
        }
        return count;
    }

    @Test
    void onlyTheReplicatedStageResizesALaneFlowAndNeverPastItsLanes() throws Exception {
        final CompiledFlow flow = compile(data(CHUNK), 1L << 40, 3);
        assertFalse(flow.resizeReplicas(0, 2), "the source");
        assertFalse(flow.resizeReplicas(2, 2), "the sink");
        assertFalse(flow.resizeReplicas(ACCELERATOR, 4), "past the lanes compiled");
        assertFalse(flow.resizeReplicas(ACCELERATOR, 0));
        assertEquals(3, flow.activeReplicas(ACCELERATOR));
        assertTrue(flow.resizeReplicas(ACCELERATOR, 2));
        assertEquals(2, flow.activeReplicas(ACCELERATOR));
        assertTrue(flows.start(flow).get(30, TimeUnit.SECONDS).succeeded());
    }

    private CompiledFlow compile(byte[] data, long bytesPerSecondPerLane, int lanes) throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), data);
        final CompiledFlow flow = flows.compile(spec(in, bytesPerSecondPerLane, lanes), 1);
        assertEquals(lanes, flow.lanes());
        return flow;
    }

    private FlowSpec spec(Path in, long bytesPerSecondPerLane, int lanes) {
        return Flows.from(Devices.file(in)).via(Devices.rateLimit(bytesPerSecondPerLane, 0), lanes)
            .to(Devices.fileSink(out())).chunkBytes(CHUNK).name("lanes").build();
    }

    private Path out() {
        return dir.resolve("out.bin");
    }

    /** Bytes lane {@code lane}'s source has read so far, from the flow's receipt. */
    private static long sourceBytes(CompiledFlow flow, int lane) {
        final String stage = "1:file-source@lane" + lane;
        return flow.receipt().segments().stream().filter(s -> s.stage().equals(stage)).mapToLong(Receipt.Segment::bytes)
            .sum();
    }

    private static void waitFor(BooleanSupplier condition, CompiledFlow flow, String what) throws Exception {
        if (!Eventually.waitUntil(Duration.ofSeconds(20), condition::getAsBoolean)) {
            fail("waited 20 s for " + what + ":\n" + flow.debugState());
        }
    }

    private static void assertPoolsFull(CompiledFlow flow) {
        for (ChunkPool pool : flow.pools()) {
            assertEquals(pool.capacityChunks(), pool.available(), "every chunk back in its lane's pool");
        }
    }

    private static byte[] data(int length) {
        final byte[] data = new byte[length];
        new SplittableRandom(length).nextBytes(data);
        return data;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
