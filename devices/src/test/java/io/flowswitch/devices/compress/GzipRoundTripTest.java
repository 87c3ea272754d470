package io.flowswitch.devices.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.DeviceHarness;
import io.flowswitch.devices.testkit.TestBytes;
import io.flowswitch.proto.DeviceCapabilities;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GzipRoundTripTest {
    static final String GZIP_STAGE = "stage 2 (gzip)";
    static final String GUNZIP_STAGE = "stage 3 (gunzip)";
    static final FlowContext CONTEXT = new FlowContext(1, FlowContext.DEFAULT_CHUNK_BYTES, Map.of());
    private static final int SEVERAL_MIB = 3 * 1024 * 1024 + 7;

    static Stream<Arguments> cases() {
        return IntStream.of(FlowContext.MIN_CHUNK_BYTES, FlowContext.DEFAULT_CHUNK_BYTES).boxed()
            .flatMap(chunk -> IntStream.of(0, 1, chunk - 1, chunk, chunk + 1, SEVERAL_MIB).boxed()
                .flatMap(size -> Stream.of(Arguments.of(chunk, size, "random"), Arguments.of(chunk, size, "text"))));
    }

    static byte[] data(String kind, int size) {
        return "random".equals(kind) ? TestBytes.random(size, size) : TestBytes.compressible(size);
    }

    static byte[] gzip(byte[] input, int chunkBytes, int level) {
        return new DeviceHarness(chunkBytes)
            .run(new GzipKind().create(DeviceParams.of(GZIP_STAGE, "level", Integer.toString(level)), CONTEXT), input);
    }

    static byte[] gunzip(byte[] input, int chunkBytes) {
        return new DeviceHarness(chunkBytes).run(new GunzipKind().create(DeviceParams.of(GUNZIP_STAGE), CONTEXT), input);
    }

    static byte[] referenceCompress(byte[] input, int level) throws IOException {
        return referenceCompress(input, level, FlowContext.DEFAULT_CHUNK_BYTES);
    }

    static byte[] referenceCompress(byte[] input, int level, int chunkBytes) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        GzipReference.compress(new ByteArrayInputStream(input), out, level, chunkBytes);
        return out.toByteArray();
    }

    static byte[] referenceDecompress(byte[] input) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        GzipReference.decompress(new ByteArrayInputStream(input), out);
        return out.toByteArray();
    }

    @ParameterizedTest(name = "chunk {0}, {1} bytes of {2}")
    @MethodSource("cases")
    void gzipThenGunzipGivesBackTheSameBytes(int chunkBytes, int size, String kind) throws IOException {
        final byte[] input = data(kind, size);

        final byte[] compressed = gzip(input, chunkBytes, GzipKind.DEFAULT_LEVEL);
        final byte[] restored = gunzip(compressed, chunkBytes);

        assertEquals(input.length, restored.length);
        assertEquals(TestBytes.sha256Hex(input), TestBytes.sha256Hex(restored));
        // The software path reads the device's output, and writes exactly the device's output.
        assertEquals(TestBytes.sha256Hex(input), TestBytes.sha256Hex(referenceDecompress(compressed)));
        assertArrayEquals(referenceCompress(input, GzipKind.DEFAULT_LEVEL, chunkBytes), compressed);
    }

    @ParameterizedTest(name = "level {0}")
    @ValueSource(ints = {1, 2, 5, 6, 9})
    void everyLevelMatchesTheSoftwarePathByteForByte(int level) throws IOException {
        final byte[] input = TestBytes.concat(TestBytes.compressible(700_000), TestBytes.random(100_000, level));
        final byte[] compressed = gzip(input, FlowContext.MIN_CHUNK_BYTES, level);
        assertArrayEquals(referenceCompress(input, level, FlowContext.MIN_CHUNK_BYTES), compressed);
        assertArrayEquals(input, gunzip(compressed, FlowContext.DEFAULT_CHUNK_BYTES));
    }

    @Test
    void higherLevelsCompressTextBetter() {
        final byte[] input = TestBytes.compressible(1_000_000);
        final int fastest = gzip(input, FlowContext.DEFAULT_CHUNK_BYTES, 1).length;
        final int smallest = gzip(input, FlowContext.DEFAULT_CHUNK_BYTES, 9).length;
        assertTrue(smallest < fastest, "level 9 gave " + smallest + " bytes, level 1 gave " + fastest);
        assertTrue(fastest < input.length / 2, "text should shrink at least 2x, got " + fastest);
    }

    @Test
    void emptyInputIsAComplete20ByteMember() {
        final byte[] compressed = gzip(new byte[0], FlowContext.MIN_CHUNK_BYTES, GzipKind.DEFAULT_LEVEL);
        // Header (no name, MTIME 0, OS unknown), an empty final fixed block, CRC 0, ISIZE 0.
        assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            compressed);
    }

    @Test
    void outputHeadersCarryOwnSequenceAndOffsetAndTheInputsFlow() {
        final byte[] input = TestBytes.random(300_000, 5);
        final ChunkPool pool = new ChunkPool(FlowContext.MIN_CHUNK_BYTES, 8);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        long expectedSequence = 0;
        int position = 0;
        try (GzipDevice device = new GzipKind().create(DeviceParams.of(GZIP_STAGE), CONTEXT)) {
            while (!device.isFinished()) {
                if (device.needsInput() && position < input.length) {
                    final Chunk chunk = pool.acquire();
                    final int length = Math.min(pool.payloadCapacity(), input.length - position);
                    System.arraycopy(input, position, chunk.array(), Chunk.HEADROOM, length);
                    chunk.payload(Chunk.HEADROOM, length);
                    chunk.header().flowId(77).sequence(1000 + position).byteOffset(position);
                    position += length;
                    device.accept(chunk);
                } else if (device.needsInput()) {
                    device.endOfInput();
                }
                for (Chunk chunk = device.poll(pool); chunk != null; chunk = device.poll(pool)) {
                    assertEquals(77, chunk.header().flowId());
                    assertEquals(expectedSequence, chunk.header().sequence());
                    assertEquals(out.size(), chunk.header().byteOffset());
                    assertEquals(chunk.payloadLength(), chunk.header().payloadLength());
                    assertEquals(Chunk.HEADROOM, chunk.payloadOffset());
                    assertTrue(chunk.payloadLength() > 0, "no empty output chunks");
                    assertEquals(expectedSequence == 0, chunk.header().hasFlag(ChunkFlags.FIRST));
                    assertEquals(device.isFinished(), chunk.header().hasFlag(ChunkFlags.LAST));
                    expectedSequence++;
                    out.write(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
                    chunk.release();
                }
            }
            assertNull(device.poll(pool), "a finished device produces nothing more");
            assertEquals(input.length, device.inputBytes());
            assertEquals(out.size(), device.outputBytes());
        }
        assertEquals(pool.capacityChunks(), pool.available());
        assertArrayEquals(input, gunzip(out.toByteArray(), FlowContext.MIN_CHUNK_BYTES));
    }

    @Test
    void holdsItsInputChunkUntilTheDeflaterHasConsumedIt() {
        final ChunkPool pool = new ChunkPool(FlowContext.MIN_CHUNK_BYTES, 4);
        try (GzipDevice device = new GzipKind().create(DeviceParams.of(GZIP_STAGE), CONTEXT)) {
            device.accept(filled(pool, 1024));
            assertFalse(device.needsInput(), "the chunk is held until deflated");
            assertEquals(3, pool.available());

            final Chunk out = device.poll(pool);
            // 1 KiB fits in the deflate window: nothing comes out yet, not even a lone gzip header.
            assertNull(out);
            assertTrue(device.needsInput());
            assertEquals(4, pool.available(), "the consumed input chunk went back to the pool");

            device.accept(filled(pool, 1024));
        }
        assertEquals(pool.capacityChunks(), pool.available(), "close() releases a held input chunk");
    }

    private static Chunk filled(ChunkPool pool, int length) {
        final Chunk chunk = pool.acquire();
        System.arraycopy(TestBytes.random(length, length), 0, chunk.array(), Chunk.HEADROOM, length);
        chunk.payload(Chunk.HEADROOM, length);
        return chunk;
    }

    @Test
    void pollWithAnEmptyPoolReturnsNullAndWaits() throws IOException {
        final ChunkPool pool = new ChunkPool(FlowContext.MIN_CHUNK_BYTES, 2);
        try (GzipDevice device = new GzipKind().create(DeviceParams.of(GZIP_STAGE), CONTEXT)) {
            device.accept(filled(pool, 10));
            device.endOfInput();
            final Chunk blocker = pool.acquire();
            assertNull(device.poll(pool));
            assertFalse(device.isFinished());
            assertFalse(device.needsInput());
            blocker.release();
            final Chunk out = device.poll(pool);
            assertTrue(device.isFinished());
            final byte[] member = Arrays.copyOfRange(out.array(), out.payloadOffset(), out.payloadEnd());
            out.release();
            assertArrayEquals(TestBytes.random(10, 10), referenceDecompress(member));
        }
        assertEquals(pool.capacityChunks(), pool.available());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "10", "-1", "six", ""})
    void rejectsALevelOutsideOneToNine(String level) {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> new GzipKind().validate(DeviceParams.of(GZIP_STAGE, "level", level), CONTEXT));
        assertEquals("BAD_PARAMETER", e.code());
        assertTrue(e.getMessage().startsWith(GZIP_STAGE + ": parameter 'level' must be"), e.getMessage());
    }

    @Test
    void levelOutOfRangeNamesTheRange() {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> new GzipKind().create(DeviceParams.of(GZIP_STAGE, "level", "0"), CONTEXT));
        assertEquals(GZIP_STAGE + ": parameter 'level' must be between 1 and 9, got 0", e.getMessage());
    }

    @Test
    void rejectsUnknownParameters() {
        final DeviceException gzip = assertThrows(DeviceException.class,
            () -> new GzipKind().validate(DeviceParams.of(GZIP_STAGE, "levle", "9"), CONTEXT));
        assertEquals("BAD_PARAMETER", gzip.code());
        assertTrue(gzip.getMessage().contains("'levle'"), gzip.getMessage());
        final DeviceException gunzip = assertThrows(DeviceException.class,
            () -> new GunzipKind().validate(DeviceParams.of(GUNZIP_STAGE, "level", "9"), CONTEXT));
        assertEquals("BAD_PARAMETER", gunzip.code());
        assertTrue(gunzip.getMessage().contains(GUNZIP_STAGE) && gunzip.getMessage().contains("'level'"),
            gunzip.getMessage());
    }

    @Test
    void softwarePathRejectsALevelOutsideOneToNine() {
        assertThrows(IllegalArgumentException.class, () -> referenceCompress(new byte[1], 0));
    }

    @Test
    void bothKindsDescribeThemselvesAsStatefulTransforms() {
        for (var kind : new io.flowswitch.devices.DeviceKind[] {new GzipKind(), new GunzipKind()}) {
            final DeviceCapabilities capabilities = kind.capabilities();
            assertEquals(DeviceRole.TRANSFORM, kind.role());
            assertEquals(kind.name(), capabilities.getKind());
            assertEquals("TRANSFORM", capabilities.getRole());
            assertTrue(capabilities.getStateful(), kind.name() + " must be pinned to one instance per flow");
            assertFalse(capabilities.getPassThrough());
            assertTrue(capabilities.getHasSoftwarePath());
            assertTrue(capabilities.getFunctionsList().contains("gzip"));
        }
        assertEquals("gzip", new GzipKind().name());
        assertEquals("gunzip", new GunzipKind().name());
    }
}
