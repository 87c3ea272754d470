package io.flowswitch.devices.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.ChunkLoops;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileSourceTest {
    private static final int CHUNK = 4096;
    private static final String STAGE = "stage 1 (file-source)";

    private final FileSourceKind kind = new FileSourceKind();
    private final FlowContext context = new FlowContext(7, CHUNK, Map.of());

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * 1024 * 1024 + 123})
    void readsFileIdenticallyInFullChunksButTheLast(int size) throws IOException {
        final byte[] input = ChunkLoops.randomBytes(size, size);
        final Path path = Files.write(dir.resolve("in.bin"), input);
        final ChunkPool pool = new ChunkPool(CHUNK, 4);

        final ChunkLoops.Drained out;
        try (FileSource source = kind.create(params("path", path.toString()), context)) {
            assertEquals(size, source.sizeBytes());
            out = ChunkLoops.drain(source, pool);
            assertEquals(-1, source.read(Chunk.unpooled(CHUNK)), "stays at end");
            assertEquals(Map.of("bytes", Integer.toString(size)), source.results());
        }
        assertEquals(FileReference.sha256Hex(input), FileReference.sha256Hex(out.bytes()));
        assertArrayEquals(input, out.bytes());
        assertEquals((size + CHUNK - 1) / CHUNK, out.chunkLengths().size(), "chunk count");
        for (int i = 0; i < out.chunkLengths().size() - 1; i++) {
            assertEquals(CHUNK, out.chunkLengths().get(i), "chunk " + i + " is full");
        }
    }

    @Test
    void fillsNoMoreThanTheFlowChunkSizeWhenPoolChunksAreLarger() throws IOException {
        final Path path = Files.write(dir.resolve("in.bin"), ChunkLoops.randomBytes(3 * CHUNK, 1));
        final ChunkPool pool = new ChunkPool(4 * CHUNK, 2);
        try (FileSource source = kind.create(params("path", path.toString()), context)) {
            final ChunkLoops.Drained out = ChunkLoops.drain(source, pool);
            assertEquals(List.of(CHUNK, CHUNK, CHUNK), out.chunkLengths());
        }
    }

    @Test
    void describesItself() {
        assertEquals("file-source", kind.name());
        assertEquals(DeviceRole.SOURCE, kind.role());
        assertEquals("file-source", kind.capabilities().getKind());
        assertEquals("SOURCE", kind.capabilities().getRole());
        assertTrue(kind.capabilities().getHasSoftwarePath());
        assertTrue(kind.capabilities().getFunctionsList().contains("read-file"));
        assertFalse(kind.description().isBlank());
    }

    @Test
    void missingFileIsNotFoundAtValidateAndCreate() {
        final Path missing = dir.resolve("nope").resolve("missing.bin");
        final DeviceParams params = params("path", missing.toString());
        for (Executable call : new Executable[] {() -> kind.validate(params, context),
            () -> kind.create(params, context).close()}) {
            final DeviceException e = assertThrows(DeviceException.class, call);
            assertEquals("NOT_FOUND", e.code());
            assertEquals(STAGE + ": cannot read " + missing + ": no such file", e.getMessage());
        }
    }

    @Test
    void directoryIsNotReadable() {
        final DeviceParams params = params("path", dir.toString());
        for (Executable call : new Executable[] {() -> kind.validate(params, context),
            () -> kind.create(params, context).close()}) {
            final DeviceException e = assertThrows(DeviceException.class, call);
            assertEquals("NOT_READABLE", e.code());
            assertTrue(e.getMessage().startsWith(STAGE + ": cannot read " + dir + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("directory"), e.getMessage());
        }
    }

    @Test
    void fileWithoutReadPermissionIsNotReadable() throws IOException {
        final Path path = Files.write(dir.resolve("secret.bin"), new byte[10]);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(path), "this user (root?) may read a file without read permission");
        final DeviceParams params = params("path", path.toString());
        // create() leaves permission to the open itself: the same code and sentence either way.
        for (Executable call : new Executable[] {() -> kind.validate(params, context),
            () -> kind.create(params, context).close()}) {
            final DeviceException e = assertThrows(DeviceException.class, call);
            assertEquals("NOT_READABLE", e.code());
            assertEquals(STAGE + ": cannot read " + path + ": permission denied", e.getMessage());
        }
    }

    @Test
    void readStopsAtTheSizeWhenOpenedAndReadsOnWhatWasAppendedAfter() throws IOException {
        final byte[] first = ChunkLoops.randomBytes(1000, 1);
        final byte[] appended = ChunkLoops.randomBytes(500, 2);
        final Path path = Files.write(dir.resolve("growing.bin"), first);
        try (FileSource source = kind.create(params("path", path.toString()), context)) {
            final Chunk chunk = Chunk.unpooled(CHUNK);
            assertEquals(first.length, source.read(chunk), "the size it had when opened, without reading on");
            assertArrayEquals(first, java.util.Arrays.copyOfRange(chunk.array(), chunk.payloadOffset(),
                chunk.payloadEnd()));
            Files.write(path, appended, java.nio.file.StandardOpenOption.APPEND);
            assertEquals(appended.length, source.read(chunk), "what was appended, on the next call");
            assertArrayEquals(appended, java.util.Arrays.copyOfRange(chunk.array(), chunk.payloadOffset(),
                chunk.payloadEnd()));
            assertEquals(-1, source.read(chunk));
            assertEquals(Map.of("bytes", Integer.toString(first.length + appended.length)), source.results());
        }
    }

    @Test
    void missingPathParameterIsBadParameter() {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> kind.validate(DeviceParams.of(STAGE), context));
        assertEquals("BAD_PARAMETER", e.code());
        assertEquals(STAGE + ": parameter 'path' is required", e.getMessage());
    }

    @Test
    void unknownParameterIsBadParameter() throws IOException {
        final Path path = Files.write(dir.resolve("in.bin"), new byte[1]);
        final DeviceException e = assertThrows(DeviceException.class,
            () -> kind.validate(params("path", path.toString(), "offset", "3"), context));
        assertEquals("BAD_PARAMETER", e.code());
        assertTrue(e.getMessage().startsWith(STAGE + ": parameter 'offset' is not a parameter"), e.getMessage());
    }

    @Test
    void readAfterCloseIsAnError() throws IOException {
        final Path path = Files.write(dir.resolve("in.bin"), new byte[1]);
        final FileSource source = kind.create(params("path", path.toString()), context);
        source.close();
        source.close();
        assertThrows(IllegalStateException.class, () -> source.read(Chunk.unpooled(CHUNK)));
    }

    private static DeviceParams params(String... keyValues) {
        return DeviceParams.of(STAGE, keyValues);
    }
}
