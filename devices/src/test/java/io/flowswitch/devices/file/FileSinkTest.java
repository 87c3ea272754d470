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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileSinkTest {
    private static final int CHUNK = 4096;
    private static final String STAGE = "stage 3 (file-sink)";

    private final FileSinkKind kind = new FileSinkKind();
    private final FlowContext context = new FlowContext(7, CHUNK, Map.of());

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * 1024 * 1024 + 123})
    void sourceToSinkCopyIsIdenticalToTheSoftwareReference(int size) throws IOException {
        final byte[] input = ChunkLoops.randomBytes(size, size);
        final Path in = Files.write(dir.resolve("in.bin"), input);
        final Path out = dir.resolve("out.bin");
        final Path reference = dir.resolve("reference.bin");
        final ChunkPool pool = new ChunkPool(CHUNK, 4);

        try (FileSource source = new FileSourceKind().create(DeviceParams.of("stage 1 (file-source)", "path",
                in.toString()), context);
            FileSink sink = kind.create(params("path", out.toString()), context)) {
            for (Chunk chunk = pool.acquire(); ; chunk = pool.acquire()) {
                try {
                    if (source.read(chunk) < 0) {
                        break;
                    }
                    sink.write(chunk);
                } finally {
                    chunk.release();
                }
            }
            assertFalse(Files.exists(out), "nothing under the final name before finish()");
            assertTrue(Files.exists(sink.partialPath()));
            sink.finish();
            assertEquals(size, sink.bytesWritten());
            assertEquals(Map.of("bytes", Integer.toString(size)), sink.results());
        }
        ChunkLoops.requireAllReturned(pool);
        assertEquals(size, FileReference.copy(in, reference));
        assertEquals(FileReference.sha256Hex(input), FileReference.sha256Hex(out));
        assertEquals(FileReference.sha256Hex(reference), FileReference.sha256Hex(out));
        assertEquals(List.of("in.bin", "out.bin", "reference.bin"), listDir(), "no partial file left");
    }

    @Test
    void replacesAnExistingFileByDefaultAndWithSync() throws IOException {
        final Path out = Files.write(dir.resolve("out.bin"), new byte[] {1, 2, 3});
        final byte[] input = ChunkLoops.randomBytes(10_000, 5);
        try (FileSink sink = kind.create(params("path", out.toString(), "sync", "true"), context)) {
            ChunkLoops.feed(sink, new ChunkPool(CHUNK, 2), input, CHUNK);
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(out), "old file intact until finish()");
            sink.finish();
            sink.finish();
        }
        assertArrayEquals(input, Files.readAllBytes(out));
        assertEquals(List.of("out.bin"), listDir());
    }

    @Test
    void abortLeavesNoFileAtAll() throws IOException {
        final Path out = dir.resolve("out.bin");
        try (FileSink sink = kind.create(params("path", out.toString()), context)) {
            ChunkLoops.feed(sink, new ChunkPool(CHUNK, 2), ChunkLoops.randomBytes(3 * CHUNK, 1), CHUNK);
            sink.abort(new RuntimeException("upstream failed"));
            sink.abort(null);
            assertThrows(IllegalStateException.class, sink::finish);
        }
        assertEquals(List.of(), listDir());
    }

    @Test
    void abortLeavesAnExistingTargetUntouched() throws IOException {
        final byte[] old = ChunkLoops.randomBytes(5000, 9);
        final Path out = Files.write(dir.resolve("out.bin"), old);
        try (FileSink sink = kind.create(params("path", out.toString()), context)) {
            ChunkLoops.feed(sink, new ChunkPool(CHUNK, 2), ChunkLoops.randomBytes(3 * CHUNK, 1), CHUNK);
            sink.abort(new RuntimeException("upstream failed"));
        }
        assertArrayEquals(old, Files.readAllBytes(out));
        assertEquals(List.of("out.bin"), listDir());
    }

    @Test
    void closeWithoutFinishIsAnAbort() throws IOException {
        final Path out = dir.resolve("out.bin");
        try (FileSink sink = kind.create(params("path", out.toString()), context)) {
            ChunkLoops.feed(sink, new ChunkPool(CHUNK, 2), new byte[100], CHUNK);
        }
        assertEquals(List.of(), listDir());
    }

    @Test
    void existingTargetWithoutOverwriteIsRejectedBeforeTheFlow() throws IOException {
        final Path out = Files.write(dir.resolve("out.bin"), new byte[] {1});
        final DeviceParams params = params("path", out.toString(), "overwrite", "false");
        for (Executable call : new Executable[] {() -> kind.validate(params, context),
            () -> kind.create(params, context).close()}) {
            final DeviceException e = assertThrows(DeviceException.class, call);
            assertEquals("ALREADY_EXISTS", e.code());
            assertEquals(STAGE + ": cannot write " + out + ": it already exists and overwrite is false",
                e.getMessage());
        }
        assertEquals(List.of("out.bin"), listDir());
    }

    @Test
    void fileAppearingDuringTheFlowWithoutOverwriteFailsFinishAndStaysUntouched() throws IOException {
        final Path out = dir.resolve("out.bin");
        try (FileSink sink = kind.create(params("path", out.toString(), "overwrite", "false"), context)) {
            ChunkLoops.feed(sink, new ChunkPool(CHUNK, 2), new byte[100], CHUNK);
            Files.write(out, new byte[] {42});
            final DeviceException e = assertThrows(DeviceException.class, sink::finish);
            assertEquals("ALREADY_EXISTS", e.code());
            assertTrue(e.getMessage().startsWith(STAGE + ": cannot finish " + out + ": "), e.getMessage());
        }
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(out));
        assertEquals(List.of("out.bin"), listDir());
    }

    @Test
    void newFileWithoutOverwriteIsPublished() throws IOException {
        final Path out = dir.resolve("out.bin");
        final byte[] input = ChunkLoops.randomBytes(CHUNK + 1, 3);
        try (FileSink sink = kind.create(params("path", out.toString(), "overwrite", "false"), context)) {
            ChunkLoops.feed(sink, new ChunkPool(CHUNK, 2), input, CHUNK);
            sink.finish();
        }
        assertArrayEquals(input, Files.readAllBytes(out));
        assertEquals(List.of("out.bin"), listDir());
    }

    @Test
    void missingDirectoryIsNotFound() {
        final Path missing = dir.resolve("no-such-dir");
        final Path out = missing.resolve("out.bin");
        final DeviceParams params = params("path", out.toString());
        for (Executable call : new Executable[] {() -> kind.validate(params, context),
            () -> kind.create(params, context).close()}) {
            final DeviceException e = assertThrows(DeviceException.class, call);
            assertEquals("NOT_FOUND", e.code());
            assertEquals(STAGE + ": cannot write " + out + ": directory " + missing + " does not exist",
                e.getMessage());
        }
    }

    @Test
    void fileInPlaceOfTheDirectoryIsNotWritable() throws IOException {
        final Path notADir = Files.write(dir.resolve("plain.txt"), new byte[1]);
        final Path out = notADir.resolve("out.bin");
        final DeviceParams params = params("path", out.toString());
        for (Executable call : new Executable[] {() -> kind.validate(params, context),
            () -> kind.create(params, context).close()}) {
            final DeviceException e = assertThrows(DeviceException.class, call);
            assertEquals("NOT_WRITABLE", e.code());
            assertEquals(STAGE + ": cannot write " + out + ": " + notADir + " is not a directory", e.getMessage());
        }
    }

    @Test
    void directoryAsTargetIsNotWritable() throws IOException {
        final Path target = Files.createDirectory(dir.resolve("sub"));
        final DeviceParams params = params("path", target.toString());
        for (Executable call : new Executable[] {() -> kind.validate(params, context),
            () -> kind.create(params, context).close()}) {
            final DeviceException e = assertThrows(DeviceException.class, call);
            assertEquals("NOT_WRITABLE", e.code());
            assertEquals(STAGE + ": cannot write " + target + ": it is a directory, not a file", e.getMessage());
        }
        assertEquals(List.of("sub"), listDir());
    }

    @Test
    void directoryWithoutWritePermissionIsNotWritable() throws IOException {
        final Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(locked), "this user (root?) may write a directory without write permission");
            final Path out = locked.resolve("out.bin");
            final DeviceParams params = params("path", out.toString());
            // create() finds it by failing to create the partial file, and says it as validate() does.
            for (Executable call : new Executable[] {() -> kind.validate(params, context),
                () -> kind.create(params, context).close()}) {
                final DeviceException e = assertThrows(DeviceException.class, call);
                assertEquals("NOT_WRITABLE", e.code());
                assertEquals(STAGE + ": cannot write " + out + ": directory " + locked
                    + " is not writable (permission denied)", e.getMessage());
            }
            assertEquals(List.of(), listDir(locked));
        } finally {
            // Let @TempDir clean up.
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void badBooleanIsBadParameter() {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> kind.validate(params("path", dir.resolve("o").toString(), "overwrite", "yes"), context));
        assertEquals("BAD_PARAMETER", e.code());
        assertEquals(STAGE + ": parameter 'overwrite' must be true or false, got 'yes'", e.getMessage());
    }

    @Test
    void missingPathParameterIsBadParameter() {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> kind.validate(DeviceParams.of(STAGE, "sync", "true"), context));
        assertEquals("BAD_PARAMETER", e.code());
        assertEquals(STAGE + ": parameter 'path' is required", e.getMessage());
    }

    @Test
    void describesItself() {
        assertEquals("file-sink", kind.name());
        assertEquals(DeviceRole.SINK, kind.role());
        assertEquals("SINK", kind.capabilities().getRole());
        assertTrue(kind.capabilities().getStateful());
    }

    @Test
    void validateCreatesNothing() {
        kind.validate(params("path", dir.resolve("out.bin").toString()), context);
        assertEquals(List.of(), listDir());
    }

    private List<String> listDir() {
        return listDir(dir);
    }

    private static List<String> listDir(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static DeviceParams params(String... keyValues) {
        return DeviceParams.of(STAGE, keyValues);
    }
}
