package io.flowswitch.devices.tee;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.DeviceHarness;
import io.flowswitch.devices.testkit.TestBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeeDeviceTest {
    private static final FlowContext CONTEXT = new FlowContext(1, FlowContext.MIN_CHUNK_BYTES, Map.of());
    private final TeeKind kind = (TeeKind) DeviceCatalog.builtIn().find(TeeKind.NAME).orElseThrow();

    @Test
    void passesTheStreamOnAndGivesTheSha256BranchEveryByteInOrder() throws Exception {
        final byte[] input = TestBytes.random(10 * FlowContext.MIN_CHUNK_BYTES + 7, 1);
        final TeeDevice tee = kind.create(DeviceParams.of("stage 2 (tee)", "to", "sha256-sink"), CONTEXT);

        final byte[] output = new DeviceHarness(FlowContext.MIN_CHUNK_BYTES).run(tee, input);

        assertArrayEquals(input, output);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input)),
            tee.results().get("sha256"));
    }

    @Test
    void aFileBranchIsPublishedAtTheEndWithTheSameBytes(@TempDir Path dir) {
        final byte[] input = TestBytes.random(5 * FlowContext.MIN_CHUNK_BYTES + 3, 2);
        final Path copy = dir.resolve("copy.bin");
        final TeeDevice tee = kind.create(DeviceParams.of("stage 2 (tee)", "to", "file-sink",
            "to.path", copy.toString()), CONTEXT);

        assertArrayEquals(input, new DeviceHarness(FlowContext.MIN_CHUNK_BYTES).run(tee, input));

        assertArrayEquals(input, read(copy));
    }

    @Test
    void aTeeClosedBeforeItsEndRemovesThePartialBranch(@TempDir Path dir) throws Exception {
        final Path copy = dir.resolve("copy.bin");
        final ChunkPool pool = new ChunkPool(FlowContext.MIN_CHUNK_BYTES, 2);
        try (TeeDevice tee = kind.create(DeviceParams.of("stage 2 (tee)", "to", "file-sink",
            "to.path", copy.toString()), CONTEXT)) {
            final Chunk chunk = pool.acquire();
            chunk.payload(Chunk.HEADROOM, 100);
            tee.accept(chunk);
            tee.poll(pool).release();
        }
        assertFalse(Files.exists(copy));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "no partial file stays");
        }
        assertEquals(2, pool.available());
    }

    @Test
    void aBranchThatFailsFailsTheTeeAndTheChunkGoesBackToItsPool(@TempDir Path dir) throws Exception {
        final Path copy = dir.resolve("copy.bin");
        final ChunkPool pool = new ChunkPool(FlowContext.MIN_CHUNK_BYTES, 2);
        final TeeDevice tee = kind.create(DeviceParams.of("stage 2 (tee)", "to", "file-sink",
            "to.path", copy.toString()), CONTEXT);
        tee.close();
        final Chunk chunk = pool.acquire();
        chunk.payload(Chunk.HEADROOM, 100);
        assertThrows(RuntimeException.class, () -> tee.accept(chunk));
        assertEquals(2, pool.available());
    }

    @Test
    void parametersAreCheckedBeforeAnythingOpens() {
        final DeviceException unknownKind = assertThrows(DeviceException.class, () -> kind.validate(
            DeviceParams.of("stage 2 (tee)", "to", "gzip"), CONTEXT));
        assertTrue(unknownKind.getMessage().contains("'gzip', which is not a sink a tee can branch to; known: "
            + "file-sink, tcp-sink, sha256-sink"), unknownKind.getMessage());
        final DeviceException stray = assertThrows(DeviceException.class, () -> kind.validate(
            DeviceParams.of("stage 2 (tee)", "to", "sha256-sink", "path", "x"), CONTEXT));
        assertTrue(stray.getMessage().contains("parameter 'path' is not a parameter of a tee"), stray.getMessage());
        final DeviceException branch = assertThrows(DeviceException.class, () -> kind.validate(
            DeviceParams.of("stage 2 (tee)", "to", "sha256-sink", "to.level", "1"), CONTEXT));
        assertTrue(branch.getMessage().contains("tee to sha256-sink: parameter 'level'"), branch.getMessage());
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
