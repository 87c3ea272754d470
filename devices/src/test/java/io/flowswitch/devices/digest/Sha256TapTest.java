package io.flowswitch.devices.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.DeviceHarness;
import io.flowswitch.devices.testkit.ExternalTool;
import io.flowswitch.devices.testkit.TestBytes;
import io.flowswitch.proto.DeviceCapabilities;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Sha256TapTest {
    private static final String STAGE = "stage 2 (sha256)";
    private static final FlowContext CONTEXT = new FlowContext(1, FlowContext.DEFAULT_CHUNK_BYTES, Map.of());

    private final Sha256Kind kind = new Sha256Kind();

    static Stream<Arguments> sizes() {
        return IntStream.of(FlowContext.MIN_CHUNK_BYTES, FlowContext.DEFAULT_CHUNK_BYTES).boxed()
            .flatMap(chunk -> IntStream.of(0, 1, chunk - 1, chunk, chunk + 1, 3 * 1024 * 1024 + 5)
                .mapToObj(size -> Arguments.of(chunk, size)));
    }

    @ParameterizedTest(name = "chunk {0}, {1} bytes")
    @MethodSource("sizes")
    void passesDataThroughAndReportsTheDigestOfTheWholeStream(int chunkBytes, int size) throws Exception {
        final byte[] input = TestBytes.random(size, size);
        final Sha256Tap tap = kind.create(DeviceParams.of(STAGE), CONTEXT);

        final byte[] output = new DeviceHarness(chunkBytes).run(tap, input);

        assertArrayEquals(input, output);
        final byte[] expected = MessageDigest.getInstance("SHA-256").digest(input);
        assertArrayEquals(expected, tap.digestBytes());
        assertEquals(Map.of("sha256", HexFormat.of().formatHex(expected)), tap.results());
        assertEquals(DigestReference.sha256Hex(new ByteArrayInputStream(input)), tap.results().get("sha256"));
        assertEquals(size, tap.bytesDigested());
    }

    @Test
    void emptyStreamHasTheWellKnownEmptyDigest() {
        final Sha256Tap tap = kind.create(DeviceParams.of(STAGE), CONTEXT);
        new DeviceHarness(FlowContext.MIN_CHUNK_BYTES).run(tap, new byte[0]);
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", tap.results().get("sha256"));
    }

    @Test
    void digestEqualsWhatSha256sumPrints(@TempDir Path dir) throws Exception {
        ExternalTool.assumeInstalled("sha256sum");
        final byte[] input = TestBytes.compressible(2 * 1024 * 1024 + 333);
        final Path file = dir.resolve("input.bin");
        Files.write(file, input);
        final Sha256Tap tap = kind.create(DeviceParams.of(STAGE), CONTEXT);

        new DeviceHarness(FlowContext.DEFAULT_CHUNK_BYTES).run(tap, input);

        final String printed = ExternalTool.output(dir, "sha256sum", file.toString());
        assertEquals(printed.substring(0, printed.indexOf(' ')), tap.results().get("sha256"));
    }

    @Test
    void outputIsTheSameChunkWithItsHeaderUntouched() {
        final ChunkPool pool = new ChunkPool(FlowContext.MIN_CHUNK_BYTES, 2);
        try (Sha256Tap tap = kind.create(DeviceParams.of(STAGE), CONTEXT)) {
            final Chunk chunk = pool.acquire();
            chunk.array()[Chunk.HEADROOM] = 42;
            chunk.payload(Chunk.HEADROOM, 1);
            chunk.header().flowId(7).sequence(3).byteOffset(99);
            tap.accept(chunk);
            final Chunk out = tap.poll(pool);
            assertTrue(out == chunk, "a tap hands out the chunk it was given");
            assertEquals(7, out.header().flowId());
            assertEquals(3, out.header().sequence());
            assertEquals(99, out.header().byteOffset());
            assertEquals(1, out.payloadLength());
            out.release();
        }
        assertEquals(pool.capacityChunks(), pool.available());
    }

    @Test
    void reportsNothingBeforeEndOfInput() {
        try (Sha256Tap tap = kind.create(DeviceParams.of(STAGE), CONTEXT)) {
            assertEquals(Map.of(), tap.results());
            final IllegalStateException e = assertThrows(IllegalStateException.class, tap::digestBytes);
            assertTrue(e.getMessage().contains(STAGE), e.getMessage());
        }
    }

    @Test
    void digestBytesAreACopy() {
        final Sha256Tap tap = kind.create(DeviceParams.of(STAGE), CONTEXT);
        new DeviceHarness(FlowContext.MIN_CHUNK_BYTES).run(tap, new byte[] {1, 2, 3});
        tap.digestBytes()[0] ^= 1;
        assertEquals(TestBytes.sha256Hex(new byte[] {1, 2, 3}), HexFormat.of().formatHex(tap.digestBytes()));
    }

    @Test
    void rejectsUnknownParameters() {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> kind.validate(DeviceParams.of(STAGE, "algorithm", "md5"), CONTEXT));
        assertEquals("BAD_PARAMETER", e.code());
        assertTrue(e.getMessage().contains(STAGE) && e.getMessage().contains("'algorithm'"), e.getMessage());
    }

    @Test
    void describesItselfAsAStatefulPassThroughTransform() {
        final DeviceCapabilities capabilities = kind.capabilities();
        assertEquals("sha256", kind.name());
        assertEquals(DeviceRole.TRANSFORM, kind.role());
        assertEquals("sha256", capabilities.getKind());
        assertEquals("TRANSFORM", capabilities.getRole());
        assertTrue(capabilities.getFunctionsList().contains("sha256"));
        assertTrue(capabilities.getStateful());
        assertTrue(capabilities.getPassThrough());
        assertTrue(capabilities.getHasSoftwarePath());
        assertFalse(kind.description().isBlank());
    }
}
