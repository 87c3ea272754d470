package io.flowswitch.devices.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.fault.Fault;
import io.flowswitch.devices.fault.FaultInjection;
import io.flowswitch.devices.fault.FaultState;
import io.flowswitch.devices.testkit.TestBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The framer's MTU: records never longer than it, several per chunk, and a path MTU change mid-stream. */
class FrameMtuTest {
    /** 4 + 8 + 4 = 16 header bytes: length, record number, CRC-32C of the payload. */
    private static final String PROGRAM = "length:u32=length;seq:u64=sequence;crc:u32=crc32c";
    private static final int HEADER = 16;
    private static final int CHUNK = 4 * FlowContext.MIN_CHUNK_BYTES;
    private static final FlowContext CONTEXT = new FlowContext(7, CHUNK, Map.of());

    private final FrameKind frame = new FrameKind();
    private final DeframeKind deframe = new DeframeKind();

    @Test
    void recordsAreNeverLongerThanTheMtuAndCarryTheStreamInOrder() throws IOException {
        final byte[] input = TestBytes.random(9 * CHUNK + 100, 11);
        final Run run = run(frame.create(params(PROGRAM, "mtu", "1500"), CONTEXT), input);

        final List<Integer> records = readWire(run.wire, input);
        assertTrue(records.stream().allMatch(r -> r <= 1500), records::toString);
        assertEquals(1500, records.get(0), "a record is as long as the MTU allows");
        // Each chunk in ends with a shorter record, and so may each chunk out that a full record no longer fits.
        final int fewest = (input.length + 1484 - 1) / 1484;
        assertTrue(records.size() >= fewest && records.size() <= fewest + 10 + run.sequences.size(), records::toString);
        assertStrictlyIncreasing(run.sequences);
        assertTrue(run.sequences.size() > 10, "a chunk's records outgrow a chunk: more chunks than came in");
        assertArrayEquals(input, deframe(run.wire));
    }

    @Test
    void aPathMtuChangeReframesFromItsChunkOnAndTheDeframedBytesAreTheSame() throws Exception {
        final byte[] input = TestBytes.random(8 * CHUNK + 7, 12);
        final byte[] plain = run(frame.create(params(PROGRAM), CONTEXT), input).wire;
        final FaultState state = new FaultState(Fault.parse("mtu-change@3:576", "stage 2 (frame)"));
        final List<MtuChange> asked = new ArrayList<>();
        state.onMtuChange(change -> {
            asked.add(change);
            return change.newMtuBytes();
        });

        final Run changed = run((TransformDevice) FaultInjection.wrap(frame.create(params(PROGRAM), CONTEXT), state,
            true, "stage 2 (frame)"), input);

        assertEquals(1, asked.size());
        assertEquals(new MtuChange("stage 2 (frame)", 3, 3, 0, 576, HEADER, asked.get(0).event()), asked.get(0));
        final List<Integer> records = readWire(changed.wire, input);
        for (int i = 0; i < records.size(); i++) {
            if (i < 3) {
                assertEquals(HEADER + CHUNK, records.get(i), "before the change a chunk is one record");
            } else {
                assertTrue(records.get(i) <= 576, "record " + i + " is " + records.get(i) + " bytes");
            }
        }
        assertStrictlyIncreasing(changed.sequences);
        assertEquals(sha256(input), sha256(deframe(plain)));
        assertEquals(sha256(deframe(plain)), sha256(deframe(changed.wire)));
    }

    @Test
    void anMtuChangeWithoutRulesEndsTheFlowNamingStageChunkAndMtu() {
        final FaultState state = new FaultState(Fault.parse("mtu-change@2:576", "stage 2 (frame)"));
        final DeviceException e = assertThrows(DeviceException.class, () -> run((TransformDevice) FaultInjection.wrap(
            frame.create(params(PROGRAM), CONTEXT), state, true, "stage 2 (frame)"), TestBytes.random(4 * CHUNK, 13)));
        assertEquals("MTU_CHANGED", e.code());
        assertTrue(e.getMessage().startsWith("stage 2 (frame): the path MTU dropped to 576 bytes at chunk 2"),
            e.getMessage());
    }

    @Test
    void anMtuThatCannotHoldTheHeaderIsRefused() {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> frame.validate(params(PROGRAM, "mtu", "16"), CONTEXT));
        assertEquals("BAD_PARAMETER", e.code());
        assertTrue(e.getMessage().contains("parameter 'mtu' must leave room for payload after the 16-byte header"),
            e.getMessage());
        assertThrows(DeviceException.class, () -> deframe.validate(params(PROGRAM, "mtu", "1500"), CONTEXT),
            "the deframer takes no MTU");
    }

    @Test
    void theFaultReadsItsMtu() {
        assertEquals(new Fault(Fault.Type.MTU_CHANGE, 3, 1, 0, 576), Fault.parse("mtu-change@3:576", "s"));
        assertEquals("mtu-change@3:576", Fault.parse("mtu-change@3:576B", "s").text());
        assertThrows(DeviceException.class, () -> Fault.parse("mtu-change@3", "s"));
        assertThrows(DeviceException.class, () -> Fault.parse("mtu-change@3:5ms", "s"));
        assertThrows(DeviceException.class, () -> Fault.parse("transient@3:576", "s"));
    }

    /**
     * Reads every record with a plain DataInputStream: length, number, CRC-32C, payload; checks number and
     * CRC and that the payloads are {@code input}. Returns each record's length on the wire, header included.
     */
    private static List<Integer> readWire(byte[] wire, byte[] input) throws IOException {
        final DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire));
        final ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        final List<Integer> lengths = new ArrayList<>();
        for (long seq = 0; in.available() > 0; seq++) {
            final int length = in.readInt();
            assertEquals(seq, in.readLong(), "record number");
            final long crc = in.readInt() & 0xffffffffL;
            final byte[] payload = in.readNBytes(length);
            assertEquals(length, payload.length, "record " + seq + " is cut short");
            final CRC32C reference = new CRC32C();
            reference.update(payload);
            assertEquals(reference.getValue(), crc, "CRC-32C of record " + seq);
            payloads.write(payload);
            lengths.add(HEADER + length);
        }
        assertArrayEquals(input, payloads.toByteArray());
        return lengths;
    }

    private byte[] deframe(byte[] wire) {
        final DeframeDevice deframer = deframe.create(params(PROGRAM), new FlowContext(9, CHUNK, Map.of()));
        return run(deframer, wire).wire;
    }

    private static void assertStrictlyIncreasing(List<Long> sequences) {
        for (int i = 1; i < sequences.size(); i++) {
            assertEquals(sequences.get(i - 1) + 1, sequences.get(i), "sequence numbers " + sequences);
        }
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static DeviceParams params(String program, String... more) {
        final String[] all = new String[2 + more.length];
        all[0] = FrameKind.PROGRAM;
        all[1] = program;
        System.arraycopy(more, 0, all, 2, more.length);
        return DeviceParams.of("stage 2 (frame)", all);
    }

    private record Run(byte[] wire, List<Long> sequences) {
    }

    /** Feeds {@code input} in chunks numbered 0, 1, ... and collects the output, its sequence numbers and its pool use. */
    private static Run run(TransformDevice device, byte[] input) {
        final ChunkPool pool = new ChunkPool(CHUNK, 8);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<Long> sequences = new ArrayList<>();
        try (device) {
            long sequence = 0;
            for (int at = 0; at < input.length; at += CHUNK) {
                final Chunk chunk = pool.acquire();
                final int n = Math.min(CHUNK, input.length - at);
                System.arraycopy(input, at, chunk.array(), Chunk.HEADROOM, n);
                chunk.payload(Chunk.HEADROOM, n);
                chunk.header().flowId(1).sequence(sequence++).byteOffset(at);
                device.accept(chunk);
                drain(device, pool, out, sequences);
            }
            device.endOfInput();
            drain(device, pool, out, sequences);
            assertTrue(device.isFinished());
        }
        assertEquals(pool.capacityChunks(), pool.available(), "every chunk back in the pool");
        return new Run(out.toByteArray(), sequences);
    }

    private static void drain(TransformDevice device, ChunkPool pool, ByteArrayOutputStream out, List<Long> sequences) {
        Chunk chunk;
        while ((chunk = device.poll(pool)) != null) {
            out.write(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
            sequences.add(chunk.header().sequence());
            chunk.release();
        }
    }
}
