package io.flowswitch.devices.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.PositionalSink;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two lanes read chunks by position and write them at their offsets, in any order, into one file. */
class LaneSinksTest {
    private static final int CHUNK = 4096;
    private static final DeviceCatalog CATALOG = DeviceCatalog.builtIn();
    private static final FlowContext CONTEXT = new FlowContext(1, CHUNK, Map.of());

    @TempDir
    Path dir;

    @Test
    void lanesReadingAndWritingOutOfOrderRebuildTheFile() throws Exception {
        final byte[] data = new byte[10 * CHUNK + 77];
        new Random(3).nextBytes(data);
        final Path in = Files.write(dir.resolve("in.bin"), data);
        final Path out = dir.resolve("out.bin");
        final ChunkPool pool = new ChunkPool(CHUNK, 2);
        final LaneSinks sinks = new LaneSinks(sink(out), 2);
        try (SourceDevice lane0 = source(in); SourceDevice lane1 = source(in)) {
            // Lane 1 runs ahead of lane 0: order of writes must not matter.
            copyChunks(lane1, sinks.lane(1), pool, 1);
            assertFalse(Files.exists(out), "nothing is published before every lane finished");
            copyChunks(lane0, sinks.lane(0), pool, 0);
        }
        sinks.lanes().forEach(SinkDevice::close);
        assertArrayEquals(data, Files.readAllBytes(out));
        assertEquals(2, pool.available());
    }

    @Test
    void oneAbortingLaneLeavesNoFileEvenIfTheOtherFinishes() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[3 * CHUNK]);
        final Path out = dir.resolve("out.bin");
        final LaneSinks sinks = new LaneSinks(sink(out), 2);
        try (SourceDevice lane0 = source(in)) {
            copyChunks(lane0, sinks.lane(0), new ChunkPool(CHUNK, 2), 0);
        }
        sinks.lane(1).abort(new RuntimeException("lane 1 failed"));
        sinks.lanes().forEach(SinkDevice::close);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the input remains: no target, no partial file");
        }
    }

    @Test
    void anEmptyFileHasOneEmptyChunkNumberZero() throws Exception {
        final Path in = Files.write(dir.resolve("empty.bin"), new byte[0]);
        try (SourceDevice source = source(in)) {
            final Chunk chunk = Chunk.unpooled(CHUNK);
            assertEquals(0, source.readChunk(chunk, 0));
            assertEquals(-1, source.readChunk(chunk, 1));
        }
    }

    private void copyChunks(SourceDevice source, SinkDevice sink, ChunkPool pool, int lane) {
        for (long index = lane; ; index += 2) {
            final Chunk chunk = pool.acquire();
            final int length = source.readChunk(chunk, index);
            if (length < 0) {
                chunk.release();
                break;
            }
            chunk.header().sequence(index).byteOffset(index * CHUNK);
            sink.write(chunk);
            chunk.release();
        }
        sink.finish();
    }

    private static SourceDevice source(Path path) {
        final var kind = CATALOG.find("file-source").orElseThrow();
        assertTrue(kind.positional());
        return (SourceDevice) kind.create(DeviceParams.of("stage 1 (file-source)", "path", path.toString()), CONTEXT);
    }

    private static PositionalSink sink(Path path) {
        final var kind = CATALOG.find("file-sink").orElseThrow();
        assertTrue(kind.positional());
        return (PositionalSink) kind.create(DeviceParams.of("stage 3 (file-sink)", "path", path.toString()), CONTEXT);
    }
}
