package io.flowswitch.devices.compress;

import static io.flowswitch.devices.compress.GzipRoundTripTest.CONTEXT;
import static io.flowswitch.devices.compress.GzipRoundTripTest.GUNZIP_STAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.DeviceHarness;
import io.flowswitch.devices.testkit.TestBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GunzipDeviceTest {
    private static final int FTEXT = 1;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final GunzipKind kind = new GunzipKind();

    /** A gzip member written field by field, so every header flag can be exercised. */
    static byte[] member(byte[] data, int flags, int extraBytes, String name, String comment) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 0x12, 0x34, 0x56, 0x78, 2, 3});
        if ((flags & FEXTRA) != 0) {
            out.write(extraBytes & 0xff);
            out.write(extraBytes >>> 8);
            // A subfield of arbitrary bytes, including zeros, which must not end anything.
            for (int i = 0; i < extraBytes; i++) {
                out.write(i % 7 == 0 ? 0 : i);
            }
        }
        if ((flags & FNAME) != 0) {
            out.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
            out.write(0);
        }
        if ((flags & FCOMMENT) != 0) {
            out.writeBytes(comment.getBytes(StandardCharsets.ISO_8859_1));
            out.write(0);
        }
        if ((flags & FHCRC) != 0) {
            final CRC32 crc = new CRC32();
            crc.update(out.toByteArray());
            out.write((int) crc.getValue());
            out.write((int) crc.getValue() >>> 8);
        }
        out.writeBytes(rawDeflate(data));
        final CRC32 crc = new CRC32();
        crc.update(data);
        writeIntLittleEndian(out, (int) crc.getValue());
        writeIntLittleEndian(out, data.length);
        return out.toByteArray();
    }

    static byte[] rawDeflate(byte[] data) {
        final Deflater deflater = new Deflater(6, true);
        deflater.setInput(data);
        deflater.finish();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static void writeIntLittleEndian(ByteArrayOutputStream out, int value) {
        for (int i = 0; i < 4; i++) {
            out.write(value >>> (8 * i));
        }
    }

    private GunzipDevice device() {
        return kind.create(DeviceParams.of(GUNZIP_STAGE), CONTEXT);
    }

    /** Runs {@code input} through a fresh device, expecting {@code code}; checks that no chunk leaked. */
    private DeviceException fails(String code, byte[] input, int chunkBytes) {
        final DeviceHarness harness = new DeviceHarness(chunkBytes);
        final DeviceException e = assertThrows(DeviceException.class, () -> harness.run(device(), input));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith(GUNZIP_STAGE + ": "), e.getMessage());
        assertEquals(harness.pool().capacityChunks(), harness.pool().available(), "chunks leaked after " + code);
        return e;
    }

    private static void assertContains(String expected, String message) {
        assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
    }

    @Test
    void readsAHeaderWithEveryFlagSpanningSeveralChunks() throws IOException {
        final byte[] data = TestBytes.compressible(200_000);
        final String name = "a-long-name-".repeat(250) + ".txt";
        final byte[] gz = member(data, FTEXT | FHCRC | FEXTRA | FNAME | FCOMMENT, 3000, name, "made by a test");
        // The JDK's reader agrees that this is well-formed gzip, header CRC included.
        assertArrayEquals(data, GzipRoundTripTest.referenceDecompress(gz));

        assertArrayEquals(data, GzipRoundTripTest.gunzip(gz, FlowContext.MIN_CHUNK_BYTES));
        assertArrayEquals(data, GzipRoundTripTest.gunzip(gz, FlowContext.DEFAULT_CHUNK_BYTES));
    }

    @ParameterizedTest(name = "flags {0}")
    @ValueSource(ints = {0, FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT, FEXTRA | FHCRC, FNAME | FCOMMENT})
    void readsEachHeaderFlag(int flags) throws IOException {
        final byte[] data = TestBytes.random(5000, flags);
        final byte[] gz = member(data, flags, 0, "name", "");
        assertArrayEquals(data, GzipRoundTripTest.referenceDecompress(gz));
        assertArrayEquals(data, GzipRoundTripTest.gunzip(gz, FlowContext.MIN_CHUNK_BYTES));
    }

    @Test
    void headerCrcMismatchIsCorrupt() {
        final byte[] gz = member(new byte[] {1, 2, 3}, FHCRC | FNAME, 0, "x", "");
        // Header: 10 fixed bytes, "x\0", then the two CRC bytes at 12 and 13.
        gz[12] ^= 0x01;
        final DeviceException e = fails("CORRUPT", gz, FlowContext.MIN_CHUNK_BYTES);
        assertContains("header CRC mismatch in member 1 at input byte 12", e.getMessage());
    }

    @Test
    void readsConcatenatedMembersIncludingAnEmptyOne() throws IOException {
        final byte[] a = TestBytes.compressible(150_000);
        final byte[] b = TestBytes.random(70_000, 2);
        final byte[] c = TestBytes.compressible(3000);
        final byte[] gz = TestBytes.concat(
            GzipRoundTripTest.gzip(a, FlowContext.MIN_CHUNK_BYTES, 6),
            GzipRoundTripTest.referenceCompress(new byte[0], 6),
            GzipRoundTripTest.referenceCompress(b, 9),
            member(c, FNAME | FHCRC, 0, "c.txt", ""));
        final DeviceHarness harness = new DeviceHarness(FlowContext.MIN_CHUNK_BYTES);
        final GunzipDevice device = device();

        final byte[] out = harness.run(device, gz);

        assertArrayEquals(TestBytes.concat(a, b, c), out);
        assertEquals(4, device.members());
        assertEquals(gz.length, device.inputBytes());
        assertArrayEquals(out, GzipRoundTripTest.referenceDecompress(gz));
    }

    @Test
    void skipsTrailingZeroPadding() {
        final byte[] data = TestBytes.compressible(10_000);
        final byte[] gz = TestBytes.concat(GzipRoundTripTest.gzip(data, FlowContext.MIN_CHUNK_BYTES, 6), new byte[5000]);
        assertArrayEquals(data, GzipRoundTripTest.gunzip(gz, FlowContext.MIN_CHUNK_BYTES));
    }

    @Test
    void rejectsTrailingGarbageAfterTheLastMember() {
        final byte[] gz = GzipRoundTripTest.gzip(TestBytes.compressible(10_000), FlowContext.MIN_CHUNK_BYTES, 6);
        final DeviceException e = fails("BAD_FORMAT", TestBytes.concat(gz, "xyz".getBytes(StandardCharsets.US_ASCII)),
            FlowContext.MIN_CHUNK_BYTES);
        assertContains("trailing garbage after member 1: input byte " + gz.length + " is 0x78", e.getMessage());
    }

    @Test
    void rejectsGarbageAfterZeroPadding() {
        final byte[] gz = GzipRoundTripTest.gzip(new byte[] {1}, FlowContext.MIN_CHUNK_BYTES, 6);
        final byte[] padded = TestBytes.concat(gz, new byte[2000], new byte[] {0x1f, (byte) 0x8b});
        final DeviceException e = fails("BAD_FORMAT", padded, FlowContext.MIN_CHUNK_BYTES);
        assertContains("input byte " + (gz.length + 2000) + " is 0x1f", e.getMessage());
    }

    @Test
    void rejectsInputThatIsNotGzip() {
        final DeviceException e = fails("BAD_FORMAT", "hello, world".getBytes(StandardCharsets.US_ASCII),
            FlowContext.MIN_CHUNK_BYTES);
        assertEquals(GUNZIP_STAGE + ": not gzip: input byte 0 is 0x68, a gzip stream starts with 1f 8b", e.getMessage());
    }

    @Test
    void rejectsABadSecondMagicByte() {
        final byte[] gz = GzipRoundTripTest.gzip(new byte[] {1}, FlowContext.MIN_CHUNK_BYTES, 6);
        gz[1] = (byte) 0x8c;
        assertContains("input byte 1 is 0x8c", fails("BAD_FORMAT", gz, FlowContext.MIN_CHUNK_BYTES).getMessage());
    }

    @Test
    void rejectsAnUnknownCompressionMethod() {
        final byte[] gz = GzipRoundTripTest.gzip(new byte[] {1}, FlowContext.MIN_CHUNK_BYTES, 6);
        gz[2] = 7;
        assertContains("unknown compression method 7 at input byte 2 in member 1",
            fails("BAD_FORMAT", gz, FlowContext.MIN_CHUNK_BYTES).getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x20, 0x40, 0x80})
    void rejectsReservedFlagBits(int flag) {
        final byte[] gz = GzipRoundTripTest.gzip(new byte[] {1}, FlowContext.MIN_CHUNK_BYTES, 6);
        gz[3] = (byte) flag;
        assertContains("reserved header flag bits set (flags 0x" + Integer.toHexString(flag) + ") at input byte 3",
            fails("BAD_FORMAT", gz, FlowContext.MIN_CHUNK_BYTES).getMessage());
    }

    @Test
    void invalidDeflateBlockTypeIsCorruptAndNamesTheCause() {
        final byte[] gz = GzipRoundTripTest.gzip(TestBytes.compressible(50_000), FlowContext.MIN_CHUNK_BYTES, 6);
        // The first deflate byte holds BFINAL and BTYPE; BTYPE 11 is reserved.
        gz[10] |= 0x06;
        final DeviceException e = fails("CORRUPT", gz, FlowContext.MIN_CHUNK_BYTES);
        assertContains("invalid deflate data in member 1 between input bytes 10 and ", e.getMessage());
        assertContains("invalid block type", e.getMessage());
    }

    @ParameterizedTest(name = "flip at {0}% of the deflate data")
    @ValueSource(ints = {10, 30, 50, 70, 90})
    void flippedByteInTheDeflateDataIsCorrupt(int percent) {
        final byte[] data = TestBytes.compressible(300_000);
        final byte[] gz = GzipRoundTripTest.gzip(data, FlowContext.MIN_CHUNK_BYTES, 6);
        final int deflateBytes = gz.length - 10 - 8;
        gz[10 + deflateBytes * percent / 100] ^= 0x10;
        final String message = fails("CORRUPT", gz, FlowContext.MIN_CHUNK_BYTES).getMessage();
        assertContains("in member 1", message);
        assertTrue(message.contains("invalid deflate data") || message.contains("CRC-32 mismatch")
            || message.contains("length mismatch"), message);
    }

    @Test
    void flippedCrcInTheTrailerIsCorruptWithExpectedAndActual() {
        final byte[] data = TestBytes.compressible(100_000);
        final byte[] gz = GzipRoundTripTest.gzip(data, FlowContext.MIN_CHUNK_BYTES, 6);
        final CRC32 crc = new CRC32();
        crc.update(data);
        gz[gz.length - 8] ^= (byte) 0xff;
        final long flipped = crc.getValue() ^ 0xff;
        final DeviceException e = fails("CORRUPT", gz, FlowContext.MIN_CHUNK_BYTES);
        assertEquals(GUNZIP_STAGE + ": CRC-32 mismatch in member 1 (trailer at input byte " + (gz.length - 8)
            + "): trailer says " + String.format("%08x", flipped) + ", inflated data gives "
            + String.format("%08x", crc.getValue()), e.getMessage());
    }

    @Test
    void wrongLengthInTheTrailerIsCorruptWithExpectedAndActual() {
        final byte[] gz = GzipRoundTripTest.gzip(TestBytes.compressible(100_000), FlowContext.MIN_CHUNK_BYTES, 6);
        gz[gz.length - 4] ^= 0x01;
        final DeviceException e = fails("CORRUPT", gz, FlowContext.MIN_CHUNK_BYTES);
        assertContains("length mismatch in member 1 (trailer at input byte " + (gz.length - 8)
            + "): trailer says " + (100_000 ^ 1) + " bytes (ISIZE, modulo 2^32), inflated data is 100000 bytes",
            e.getMessage());
    }

    @Test
    void corruptionInALaterMemberNamesThatMember() {
        final byte[] first = GzipRoundTripTest.gzip(TestBytes.compressible(5000), FlowContext.MIN_CHUNK_BYTES, 6);
        final byte[] second = GzipRoundTripTest.gzip(TestBytes.compressible(6000), FlowContext.MIN_CHUNK_BYTES, 6);
        second[second.length - 5] ^= 0x01;
        assertContains("CRC-32 mismatch in member 2 (trailer at input byte " + (first.length + second.length - 8),
            fails("CORRUPT", TestBytes.concat(first, second), FlowContext.MIN_CHUNK_BYTES).getMessage());
    }

    @Test
    void emptyInputIsTruncated() {
        assertEquals(GUNZIP_STAGE + ": input ended at byte 0 before any gzip member: the gzip stream is truncated",
            fails("TRUNCATED", new byte[0], FlowContext.MIN_CHUNK_BYTES).getMessage());
    }

    @Test
    void truncationAtAnyPointIsReportedWithItsPosition() {
        final byte[] gz = member(TestBytes.compressible(100_000), FNAME, 0, "data.txt", "");
        final int data = 10 + "data.txt".length() + 1;
        final int trailer = gz.length - 8;
        final int[] cuts = {1, 2, 9, 10, 14, data, data + 1, data + 2000, trailer - 1, trailer, trailer + 3, gz.length - 1};
        final String[] where = {"header", "header", "header", "header", "header", "deflate data", "deflate data",
            "deflate data", "deflate data", "trailer of member 1 (0 of 8 bytes)", "trailer of member 1 (3 of 8 bytes)",
            "trailer of member 1 (7 of 8 bytes)"};
        for (int i = 0; i < cuts.length; i++) {
            final String message = fails("TRUNCATED", Arrays.copyOf(gz, cuts[i]), FlowContext.MIN_CHUNK_BYTES)
                .getMessage();
            assertContains("input ended at byte " + cuts[i] + " inside the " + where[i], message);
        }
    }

    @Test
    void partialMagicAfterAMemberIsTruncated() {
        final byte[] gz = GzipRoundTripTest.gzip(new byte[] {1}, FlowContext.MIN_CHUNK_BYTES, 6);
        assertContains("inside the header of member 2",
            fails("TRUNCATED", TestBytes.concat(gz, new byte[] {0x1f}), FlowContext.MIN_CHUNK_BYTES).getMessage());
    }

    @Test
    void expandsOnlyAsFarAsDownstreamAsks() throws IOException {
        final int chunkBytes = FlowContext.DEFAULT_CHUNK_BYTES;
        // One deflate stream without checkpoints (as gzip -9 writes it): 64 MiB of zeros in one input chunk.
        final byte[] bomb = GzipRoundTripTest.referenceCompress(new byte[64 * 1024 * 1024], 9, Integer.MAX_VALUE);
        assertTrue(bomb.length < chunkBytes, "64 MiB of zeros fit one input chunk compressed: " + bomb.length);
        final ChunkPool pool = new ChunkPool(chunkBytes, 4);
        try (GunzipDevice device = device()) {
            final Chunk input = pool.acquire();
            System.arraycopy(bomb, 0, input.array(), Chunk.HEADROOM, bomb.length);
            input.payload(Chunk.HEADROOM, bomb.length);
            input.header().flowId(5);
            device.accept(input);
            for (int poll = 0; poll < 10; poll++) {
                final Chunk out = device.poll(pool);
                assertNotNull(out);
                assertEquals(chunkBytes, out.payloadLength());
                assertEquals(poll, out.header().sequence());
                assertEquals((long) poll * chunkBytes, out.header().byteOffset());
                assertEquals(5, out.header().flowId());
                assertEquals(poll == 0, out.header().hasFlag(ChunkFlags.FIRST));
                out.release();
                assertFalse(device.needsInput(), "the input is not used up: it is held, not inflated ahead");
            }
            assertEquals(10L * chunkBytes, device.outputBytes());
            assertEquals(pool.capacityChunks() - 1, pool.available(), "only the input chunk is held");
        }
        assertEquals(pool.capacityChunks(), pool.available());
    }

    @Test
    void pollWithAnEmptyPoolReturnsNullAndWaits() {
        // Compressed in one chunk (no checkpoint), so that it fits one small input chunk.
        final byte[] gz = GzipRoundTripTest.gzip(TestBytes.compressible(5000), FlowContext.DEFAULT_CHUNK_BYTES, 6);
        final ChunkPool pool = new ChunkPool(FlowContext.MIN_CHUNK_BYTES, 2);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GunzipDevice device = device()) {
            final Chunk input = pool.acquire();
            System.arraycopy(gz, 0, input.array(), Chunk.HEADROOM, gz.length);
            input.payload(Chunk.HEADROOM, gz.length);
            device.accept(input);
            device.endOfInput();
            final Chunk blocker = pool.acquire();
            assertEquals(null, device.poll(pool));
            assertFalse(device.isFinished());
            assertFalse(device.needsInput());
            blocker.release();
            for (Chunk chunk = device.poll(pool); chunk != null; chunk = device.poll(pool)) {
                out.write(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
                chunk.release();
            }
            assertTrue(device.isFinished());
        }
        assertArrayEquals(TestBytes.compressible(5000), out.toByteArray());
        assertEquals(pool.capacityChunks(), pool.available());
    }
}
