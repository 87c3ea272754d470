package io.flowswitch.flow.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow that runs as lanes without a ladder runs each lane in a {@link LaneLoop}: it writes exactly the bytes a
 * lane of stream stages writes, every chunk once, and its lanes' pools go back for the next lane flows (and
 * small flows) when it succeeds, never when it failed.
 */
class LaneLoopFlowTest {
    private static final int CHUNK = 4096;
    private static final int LANES = 2;
    private static final String SALT_HEX = "0102030405060708090a0b0c";
    @RegisterExtension
    static final FlowRunner flows = new FlowRunner("lane-loop-flow-test");

    @TempDir
    Path dir;

    @Test
    void loopLanesWriteWhatStreamLanesWriteEveryChunkOnce() throws Exception {
        final FlowCompiler loops = new FlowCompiler(DeviceCatalog.builtIn(), null, true, true, 0);
        final FlowCompiler streams = new FlowCompiler(DeviceCatalog.builtIn(), null, true, false, 0);
        // Past the chunks a lane moves before it yields its thread, and the edges: empty, one byte, a chunk short.
        final int[] sizes = {(2 * LaneLoop.YIELD_CHUNKS + 9) * CHUNK + 123, 5 * CHUNK, CHUNK - 1, 1, 0};
        for (int i = 0; i < sizes.length; i++) {
            final byte[] data = data(sizes[i]);
            final Path in = Files.write(dir.resolve("in" + i), data);
            final int chunks = Math.max(1, (sizes[i] + CHUNK - 1) / CHUNK);

            final FlowResult copied = run(loops, passThrough(in, out("copy" + i)), i);
            assertArrayEquals(data, Files.readAllBytes(out("copy" + i)), sizes[i] + " bytes copied by loop lanes");
            assertEquals(sizes[i], copied.bytesIn());
            assertEquals(sizes[i], copied.bytesOut());
            assertEquals(chunks, copied.chunks(), "every chunk read once");

            run(loops, encrypt(in, out("loop" + i)), i);
            run(streams, encrypt(in, out("stream" + i)), i);
            assertArrayEquals(Files.readAllBytes(out("stream" + i)), Files.readAllBytes(out("loop" + i)),
                sizes[i] + " bytes encrypted by loop lanes as by stream lanes");
        }
        StreamTestKit.assertAllStagesStopped(flows.materializer());
    }

    @Test
    void aLaneFlowGivesItsPoolsBackAndTheNextLaneFlowTakesThem() throws Exception {
        final FlowCompiler compiler = new FlowCompiler(DeviceCatalog.builtIn(), null);
        final long lanePoolBytes = (3 + 8) * (long) CHUNK;
        // Largest first: a later, shorter flow in recycled pools must not write what an earlier one left.
        final int[] sizes = {9 * CHUNK + 3, 4 * CHUNK, 2 * CHUNK + 1, 0};
        for (int i = 0; i < sizes.length; i++) {
            final byte[] data = data(sizes[i]);
            final Path in = Files.write(dir.resolve("in" + i), data);
            final CompiledFlow flow = compiler.compile(passThrough(in, out("out" + i)), i + 1);
            assertEquals(LANES, flow.lanes());
            assertEquals(0, compiler.smallFlowPools().retainedBytes(),
                "flow " + i + " took the pools the last one left");
            final FlowResult result = flows.start(flow).get(30, TimeUnit.SECONDS);
            assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
            assertArrayEquals(data, Files.readAllBytes(out("out" + i)), "flow " + i + " wrote exactly its own bytes");
            assertEquals(LANES * lanePoolBytes, compiler.smallFlowPools().retainedBytes(),
                "flow " + i + " gave each lane's pool back with every chunk in it");
        }
        // A small flow of the same stages has pools of the same shape: it takes one of them.
        final Path small = Files.write(dir.resolve("small"), data(CHUNK));
        final FlowSpec smallSpec = Flows.from(Devices.file(small)).via(Devices.rateLimit(1L << 40, 0))
            .to(Devices.fileSink(out("small-out"))).chunkBytes(CHUNK).name("small").build();
        final CompiledFlow smallFlow = compiler.compile(smallSpec, 99);
        assertTrue(smallFlow.direct());
        assertEquals(lanePoolBytes, compiler.smallFlowPools().retainedBytes(), "the small flow took a lane's pool");
        assertTrue(flows.start(smallFlow).get(30, TimeUnit.SECONDS).succeeded());
        assertArrayEquals(Files.readAllBytes(small), Files.readAllBytes(out("small-out")));
        StreamTestKit.assertAllStagesStopped(flows.materializer());
    }

    @Test
    void anAbortedLaneFlowKeepsNoPoolLeavesNoFileAndStopsItsParkedLane() throws Exception {
        final FlowCompiler compiler = new FlowCompiler(DeviceCatalog.builtIn(), null);
        final Path in = Files.write(dir.resolve("in.bin"), data(256 * CHUNK));
        // 1 MiB/s per lane: the flow runs for a second, long enough to abort it in the middle.
        final FlowSpec spec = Flows.from(Devices.file(in)).via(Devices.rateLimit(1L << 20, 0), LANES)
            .to(Devices.fileSink(out("out.bin"))).chunkBytes(CHUNK).name("aborted").build();
        final CompiledFlow flow = compiler.compile(spec, 1);
        assertTrue(flow.resizeReplicas(1, 1), "one lane reads, the other is parked");
        final CompletableFuture<FlowResult> result = flows.start(flow);
        assertTrue(Eventually.waitUntil(Duration.ofSeconds(20), () -> flow.bytesDone() >= 4 * CHUNK),
            flow::debugState);
        final IllegalStateException cause = new IllegalStateException("cancelled by its application");
        flow.abort(cause);
        final FlowResult done = result.get(30, TimeUnit.SECONDS);
        assertFalse(done.succeeded());
        assertSame(cause, done.error());
        assertEquals(0, compiler.smallFlowPools().retainedBytes(), "no pool of a failed flow is kept");
        for (ChunkPool pool : flow.pools()) {
            assertEquals(pool.capacityChunks(), pool.available(), "every chunk back in its lane's pool");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(in), files.toList(), "no output, no partial file");
        }
    }

    private static FlowResult run(FlowCompiler compiler, FlowSpec spec, long flowId) throws Exception {
        final CompiledFlow flow = compiler.compile(spec, flowId);
        assertEquals(LANES, flow.lanes());
        final FlowResult result = flows.start(flow).get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        for (ChunkPool pool : flow.pools()) {
            assertEquals(pool.capacityChunks(), pool.available(), "every chunk back in its lane's pool");
        }
        return result;
    }

    private static FlowSpec passThrough(Path in, Path out) {
        return Flows.from(Devices.file(in)).via(Devices.rateLimit(1L << 40, 0), LANES).to(Devices.fileSink(out))
            .chunkBytes(CHUNK).name("copy").build();
    }

    private static FlowSpec encrypt(Path in, Path out) {
        return Flows.from(Devices.file(in)).via(StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex", SALT_HEX),
            LANES).to(Devices.fileSink(out)).key("k", new byte[32]).chunkBytes(CHUNK).name("encrypt").build();
    }

    private Path out(String name) {
        return dir.resolve(name);
    }

    private static byte[] data(int length) {
        final byte[] data = new byte[length];
        new SplittableRandom(length).nextBytes(data);
        return data;
    }
}
