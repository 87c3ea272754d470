package io.flowswitch.devices.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.DeviceHarness;
import io.flowswitch.devices.testkit.TestBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class FrameDeviceTest {
    /** What FML's planner lowers {@code length: u32 = payload.length  seq: u64 = sequence  crc: u32 = crc32c(payload)
     *  magic: u16 = 0xf5  check: u8 = (length + seq) & 255} to. */
    static final String PROGRAM = "length:u32=length;seq:u64=sequence;crc:u32=crc32c;magic:u16=245;"
        + "check:u8=$length $seq + 255 &";
    private static final int CHUNK = FlowContext.MIN_CHUNK_BYTES;
    private static final FlowContext CONTEXT = new FlowContext(7, CHUNK, Map.of());

    private final FrameKind frame = new FrameKind();
    private final DeframeKind deframe = new DeframeKind();

    @Test
    void recordsReadBackWithPlainDataInputStreamAndAnIndependentCrc() throws IOException {
        final byte[] input = TestBytes.random(9 * CHUNK + 100, 3);
        final FrameDevice framer = frame.create(params(PROGRAM), CONTEXT);

        final byte[] framed = new DeviceHarness(CHUNK).run(framer, input);

        final DataInputStream in = new DataInputStream(new ByteArrayInputStream(framed));
        final ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        for (long seq = 0; seq < 10; seq++) {
            final long length = in.readInt() & 0xffffffffL;
            assertEquals(seq, in.readLong());
            final long crc = in.readInt() & 0xffffffffL;
            assertEquals(0xf5, in.readUnsignedShort());
            assertEquals((length + seq) & 255, in.readUnsignedByte());
            final byte[] payload = in.readNBytes((int) length);
            final CRC32C reference = new CRC32C();
            reference.update(payload);
            assertEquals(reference.getValue(), crc, "CRC-32C of record " + seq);
            assertEquals(seq < 9 ? CHUNK : 100, length);
            payloads.write(payload);
        }
        assertEquals(-1, in.read(), "nothing after the last record");
        assertArrayEquals(input, payloads.toByteArray());
        assertEquals(Map.of("records", "10"), framer.results());
    }

    @Test
    void theDeframerGivesBackThePayloadsWhateverTheChunkBoundariesOfTheStream() {
        final byte[] input = TestBytes.random(6 * CHUNK + 33, 4);
        final byte[] framed = new DeviceHarness(CHUNK).run(frame.create(params(PROGRAM), CONTEXT), input);
        for (int receiveChunk : new int[] {CHUNK, 2 * CHUNK, 4096 + 17}) {
            // The deframer's chunks must hold a whole record; the stream's chunks cut across records anyway.
            final DeframeDevice deframer = deframe.create(params(PROGRAM), new FlowContext(9, receiveChunk, Map.of()));
            assertArrayEquals(input, new Harness(Math.max(receiveChunk, CHUNK), 1000).run(deframer, framed),
                "receive chunk " + receiveChunk);
            assertEquals(Map.of("records", "7"), deframer.results());
        }
    }

    @Test
    void aCorruptPayloadFailsWithTheRecordAndItsOffset() {
        final byte[] input = TestBytes.random(4 * CHUNK, 5);
        final byte[] framed = new DeviceHarness(CHUNK).run(frame.create(params(PROGRAM), CONTEXT), input);
        final int header = HeaderProgram.compile(PROGRAM).headerBytes();
        framed[2 * (header + CHUNK) + header + 10] ^= 1;

        final DeviceException e = assertThrows(DeviceException.class,
            () -> new Harness(CHUNK, 1000).run(deframe.create(params(PROGRAM), CONTEXT), framed));

        assertEquals("BAD_CRC", e.code());
        assertTrue(e.getMessage().startsWith("stage 3 (deframe): record 2 at stream offset " + 2 * CHUNK + " (byte "
            + 2 * (header + CHUNK) + " of the framed stream): field 'crc' is "), e.getMessage());
    }

    @Test
    void aBadLengthOrACutStreamFailsWithTheRecordAndItsOffset() {
        final byte[] input = TestBytes.random(3 * CHUNK, 6);
        final byte[] framed = new DeviceHarness(CHUNK).run(frame.create(params(PROGRAM), CONTEXT), input);
        final int header = HeaderProgram.compile(PROGRAM).headerBytes();
        final byte[] longRecord = framed.clone();
        longRecord[header + CHUNK] = 0x7f;
        final DeviceException length = assertThrows(DeviceException.class,
            () -> new Harness(CHUNK, 1000).run(deframe.create(params(PROGRAM), CONTEXT), longRecord));
        assertEquals("BAD_LENGTH", length.code());
        assertTrue(length.getMessage().contains("record 1 at stream offset " + CHUNK), length.getMessage());

        final byte[] cut = java.util.Arrays.copyOf(framed, framed.length - 5);
        final DeviceException truncated = assertThrows(DeviceException.class,
            () -> new Harness(CHUNK, 1000).run(deframe.create(params(PROGRAM), CONTEXT), cut));
        assertEquals("TRUNCATED", truncated.code());
        assertTrue(truncated.getMessage().contains("record 2 at stream offset " + 2 * CHUNK + " (byte "
            + 2 * (header + CHUNK) + " of the framed stream): the stream ended inside the record: got " + header
            + " of " + header + " header bytes and " + (CHUNK - 5) + " of " + CHUNK + " payload bytes"),
            truncated.getMessage());
    }

    @Test
    void aLengthThatDoesNotFitItsFieldFailsTheFramerRatherThanFrameAnUnreadableStream() {
        final DeviceException e = assertThrows(DeviceException.class, () -> new DeviceHarness(CHUNK)
            .run(frame.create(params("length:u8=length"), CONTEXT), new byte[CHUNK]));
        assertEquals("BAD_LENGTH", e.code());
        assertTrue(e.getMessage().contains("record 0 at stream offset 0: payload length 1024 does not fit the 8-bit"
            + " field 'length'"), e.getMessage());
    }

    @Test
    void programsAreCheckedWhenTheFlowIsBuilt() {
        assertBad(frame, "length:u32=length;seq:u128=sequence", "field 'seq' has unknown type 'u128'");
        assertBad(frame, "a:u8=$b", "field 'a' reads 'b', which is not a field above it");
        assertBad(frame, "a:u8=300", "field 'a': constant 300 does not fit u8");
        assertBad(frame, "a:u8=1 +", "operator '+' needs two operands");
        assertBad(frame, "a:u8=1 2", "is not one postfix expression");
        assertBad(deframe, "seq:u64=sequence", "has no field that is exactly the payload length");
    }

    @Test
    void constantsFoldAndShiftsPastTheWidthGiveZero() {
        final HeaderProgram program = HeaderProgram.compile("a:u64=1 2 + 3 *;b:u64=sequence 64 <<;c:u64=$a 1 >>");
        final RecordValues v = new RecordValues(3);
        v.sequence = 5;
        program.evaluate(v);
        assertEquals(9, v.fields[0]);
        assertEquals(0, v.fields[1]);
        assertEquals(4, v.fields[2]);
    }

    private static void assertBad(io.flowswitch.devices.DeviceKind kind, String program, String message) {
        final DeviceException e = assertThrows(DeviceException.class, () -> kind.validate(params(program), CONTEXT));
        assertEquals("BAD_PARAMETER", e.code());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static DeviceParams params(String program) {
        return DeviceParams.of("stage 3 (" + "deframe" + ")", FrameKind.PROGRAM, program);
    }

    /** Feeds a byte stream in chunks of {@code streamChunk} bytes, as a socket source would, and collects the output. */
    private record Harness(int poolChunk, int streamChunk) {
        byte[] run(io.flowswitch.devices.TransformDevice device, byte[] stream) {
            final ChunkPool pool = new ChunkPool(poolChunk, 8);
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (device) {
                for (int at = 0; at < stream.length; at += streamChunk) {
                    final Chunk chunk = pool.acquire();
                    final int n = Math.min(streamChunk, stream.length - at);
                    System.arraycopy(stream, at, chunk.array(), Chunk.HEADROOM, n);
                    chunk.payload(Chunk.HEADROOM, n);
                    device.accept(chunk);
                    drain(device, pool, out);
                }
                device.endOfInput();
                drain(device, pool, out);
                assertTrue(device.isFinished());
            }
            assertEquals(pool.capacityChunks(), pool.available(), "every chunk back in the pool");
            return out.toByteArray();
        }

        private static void drain(io.flowswitch.devices.TransformDevice device, ChunkPool pool, ByteArrayOutputStream out) {
            Chunk chunk;
            while ((chunk = device.poll(pool)) != null) {
                out.write(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
                chunk.release();
            }
        }
    }
}
