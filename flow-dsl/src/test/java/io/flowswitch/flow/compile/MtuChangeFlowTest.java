package io.flowswitch.flow.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.fault.Fault;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.ladder.Decision;
import io.flowswitch.flow.ladder.ExternalEvent;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.ladder.Notification;
import io.flowswitch.flow.ladder.Receipt;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A path MTU change under a framer, on real files: the flow's rules for {@code mtu-change} re-frame the rest
 * of the stream at the new MTU (every record after the change no longer than it, the bytes after deframing
 * identical to a run without the change), keep the old MTU, ask the application, or end the flow with an
 * error that names the stage and the new MTU and leaves no output.
 */
class MtuChangeFlowTest {
    /** 16 header bytes: length, record number, CRC-32C of the payload. */
    private static final String PROGRAM = "length:u32=length;seq:u64=sequence;crc:u32=crc32c";
    private static final int HEADER = 16;
    private static final int CHUNK = 16 * 1024;
    private static final int CHANGE_AT = 5;
    private static final int NEW_MTU = 1400;
    @RegisterExtension
    static final FlowRunner flows = new FlowRunner("mtu-change-flow-test");

    @TempDir
    Path dir;
    private Path in;
    private byte[] data;

    @BeforeEach
    void input() throws IOException {
        data = new byte[20 * CHUNK + 99];
        new SplittableRandom(61).nextBytes(data);
        in = Files.write(dir.resolve("in.bin"), data);
    }

    @Test
    void retryReframesTheRestAtTheNewMtuAndTheDeframedBytesAreIdentical() throws Exception {
        final Path plain = dir.resolve("plain.rec");
        final FlowResult unchanged = flows.run(frame(Devices.frame(PROGRAM), plain, null), 1, 60);
        assertTrue(unchanged.succeeded(), () -> String.valueOf(unchanged.error()));
        final Path changed = dir.resolve("changed.rec");

        final FlowResult result = flows.run(frame(fault(Devices.frame(PROGRAM)), changed,
            new Ladder.Step[] {new Ladder.Retry(1, 0)}), 2, 60);

        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        final List<Integer> records = records(changed);
        for (int i = 0; i < records.size(); i++) {
            if (i < CHANGE_AT) {
                assertEquals(HEADER + CHUNK, records.get(i), "record " + i + ", before the change");
            } else {
                assertTrue(records.get(i) <= NEW_MTU, "record " + i + " is " + records.get(i) + " bytes");
            }
        }
        assertEquals(sha256(data), sha256(deframe(plain, 3)));
        assertEquals(sha256(deframe(plain, 4)), sha256(deframe(changed, 5)));
        final Receipt.StepTaken step = only(result.receipt().steps());
        assertEquals("2:frame", step.stage());
        assertEquals("MTU_CHANGED", step.code());
        assertEquals("re-frame from chunk 5 (record 5) at an MTU of 1400 bytes (was no limit)", step.action());
    }

    @Test
    void anFmlProgramSaysTheSame() throws Exception {
        final Path out = dir.resolve("fml.rec");
        final FlowSpec spec = io.flowswitch.fml.Fml.check("mtu.fml", """
            flow mtu {
              chunk 16KiB
              source file-source(path = "%s")
              header(mtu = 9000B, fault = "mtu-change@5:1400") {
                length: u32 = payload.length
                seq: u64 = sequence
                crc: u32 = crc32c(payload)
              }
              sink file-sink(path = "%s")
              on mtu-change { retry 1 }
            }
            """.formatted(in, out), io.flowswitch.fml.FmlOptions.defaults()).plan().orElseThrow().spec(java.util.Map.of());
        final FlowResult result = flows.run(spec, 13, 60);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        final List<Integer> records = records(out);
        assertTrue(records.stream().allMatch(length -> length <= 9000), records::toString);
        // Chunks 0 to 4 (16 KiB each) give three records each: 9000 bytes, the rest of a full chunk out, and
        // the last bytes in a second chunk out; from chunk 5 on, at most 1400.
        assertEquals(9000, records.get(0));
        assertTrue(records.stream().skip(3 * CHANGE_AT).allMatch(length -> length <= NEW_MTU), records::toString);
        assertEquals(sha256(data), sha256(deframe(out, 14)));
    }

    @Test
    void aFramerWithAnMtuKeepsEveryRecordWithinItFromTheStart() throws Exception {
        final Path out = dir.resolve("mtu.rec");
        final FlowResult result = flows.run(frame(Devices.frame(PROGRAM, 9000), out, null), 6, 60);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertTrue(records(out).stream().allMatch(length -> length <= 9000));
        assertEquals(sha256(data), sha256(deframe(out, 7)));
    }

    @Test
    void aSmallFlowOnTheDirectPathKeepsItsRecordsWithinTheMtuToo() throws Exception {
        data = java.util.Arrays.copyOf(data, 2 * CHUNK + 5);
        in = Files.write(dir.resolve("small.bin"), data);
        final Path out = dir.resolve("small.rec");
        final FlowResult result = flows.run(frame(Devices.frame(PROGRAM, 600), out, null), 15, 60);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertTrue(records(out).stream().allMatch(length -> length <= 600));
        assertEquals(sha256(data), sha256(deframe(out, 16)));
    }

    @Test
    void ignoreTransientKeepsTheOldMtuAndSaysSo() throws Exception {
        final Path out = dir.resolve("kept.rec");
        final FlowResult result = flows.run(frame(fault(Devices.frame(PROGRAM)), out,
            new Ladder.Step[] {new Ladder.IgnoreTransient()}), 8, 60);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertTrue(records(out).stream().limit(20).allMatch(length -> length == HEADER + CHUNK));
        assertEquals("ignore transient: records stay at no limit", only(result.receipt().steps()).action());
    }

    @Test
    void theApplicationDecides() throws Exception {
        final List<Notification> asked = new ArrayList<>();
        final Ladder.Notify reframe = new Ladder.Notify(n -> {
            asked.add(n);
            return CompletableFuture.completedFuture(Decision.RETRY);
        }, 1_000_000_000L, Decision.TERMINATE);
        final Path out = dir.resolve("asked.rec");
        final FlowResult result = flows.run(frame(fault(Devices.frame(PROGRAM)), out, new Ladder.Step[] {reframe}),
            9, 60);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertEquals(1, asked.size());
        assertEquals("stage 2 (frame)", asked.get(0).stage());
        assertEquals(List.of(Decision.RETRY, Decision.CONTINUE, Decision.TERMINATE), asked.get(0).options());
        assertTrue(records(out).stream().skip(CHANGE_AT).allMatch(length -> length <= NEW_MTU));
        assertEquals(sha256(data), sha256(deframe(out, 10)));

        final Ladder.Notify refuse = new Ladder.Notify(n -> CompletableFuture.completedFuture(Decision.TERMINATE),
            1_000_000_000L, Decision.CONTINUE);
        final Path refused = dir.resolve("refused.rec");
        final FlowResult ended = flows.run(frame(fault(Devices.frame(PROGRAM)), refused, new Ladder.Step[] {refuse}),
            11, 60);
        assertFalse(ended.succeeded());
        assertTrue(ended.receipt().steps().stream().anyMatch(s -> s.action().equals("notify: decision terminate")),
            ended.receipt()::toString);
        assertFalse(Files.exists(refused), "no partial output");
    }

    @Test
    void withoutRulesTheFlowEndsNamingTheStageAndTheNewMtu() throws Exception {
        final Path out = dir.resolve("ended.rec");
        final FlowResult result = flows.run(frame(fault(Devices.frame(PROGRAM)), out, null), 12, 60);
        assertFalse(result.succeeded());
        final FlowException error = (FlowException) result.error();
        assertEquals("MTU_CHANGED", error.code());
        assertTrue(error.getMessage().startsWith("stage 2 (frame): the path MTU dropped to 1400 bytes at chunk 5"),
            error.getMessage());
        assertFalse(Files.exists(out), "no partial output");
    }

    @Test
    void rulesForMtuChangeNeedAFramerAndTheFaultNeedsOne() {
        final FlowSpec noFramer = Flows.from(Devices.file(in)).via(Devices.sha256())
            .to(Devices.fileSink(dir.resolve("x"))).on(ExternalEvent.MTU_CHANGE, new Ladder.Retry(1, 0)).build();
        final List<String> problems = new FlowCompiler(io.flowswitch.devices.DeviceCatalog.builtIn(), null)
            .check(noFramer);
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("on mtu-change: the flow has no framer"), problems::toString);

        final FlowSpec faultOnDigest = Flows.from(Devices.file(in))
            .via(Devices.sha256().withFault(Fault.parse("mtu-change@1:576", "t")))
            .to(Devices.fileSink(dir.resolve("x"))).build();
        assertTrue(new FlowCompiler(io.flowswitch.devices.DeviceCatalog.builtIn(), null).check(faultOnDigest).get(0)
            .contains("needs a framer, the one device with an MTU"));
    }

    private static StageSpec fault(StageSpec framer) {
        return framer.withFault(Fault.parse("mtu-change@" + CHANGE_AT + ":" + NEW_MTU, "test"));
    }

    private FlowSpec frame(StageSpec framer, Path out, Ladder.Step[] rules) {
        final Flows.Builder flow = Flows.from(Devices.file(in)).via(framer).to(Devices.fileSink(out)).chunkBytes(CHUNK);
        if (rules != null) {
            flow.on(ExternalEvent.MTU_CHANGE, rules);
        }
        return flow.build();
    }

    /** The payloads of a framed file, through a flow with a deframer. */
    private byte[] deframe(Path framed, long flowId) throws Exception {
        final Path out = dir.resolve(framed.getFileName() + ".bin");
        final FlowResult result = flows.run(Flows.from(Devices.file(framed)).via(Devices.deframe(PROGRAM))
            .to(Devices.fileSink(out)).chunkBytes(CHUNK).build(), flowId, 60);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        return Files.readAllBytes(out);
    }

    /** Each record's length on the wire, read with a plain DataInputStream; number and CRC-32C checked. */
    private List<Integer> records(Path framed) throws IOException, java.security.NoSuchAlgorithmException {
        final List<Integer> lengths = new ArrayList<>();
        final ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        try (InputStream file = Files.newInputStream(framed); DataInputStream in = new DataInputStream(file)) {
            for (long seq = 0; ; seq++) {
                final int length;
                try {
                    length = in.readInt();
                } catch (EOFException end) {
                    break;
                }
                assertEquals(seq, in.readLong(), "record number");
                final long crc = in.readInt() & 0xffffffffL;
                final byte[] payload = in.readNBytes(length);
                assertEquals(length, payload.length, "record " + seq + " cut short");
                final CRC32C reference = new CRC32C();
                reference.update(payload);
                assertEquals(reference.getValue(), crc, "CRC-32C of record " + seq);
                payloads.write(payload);
                lengths.add(HEADER + length);
            }
        }
        assertEquals(sha256(data), sha256(payloads.toByteArray()), "the records carry the input");
        return lengths;
    }

    private static Receipt.StepTaken only(List<Receipt.StepTaken> steps) {
        assertEquals(1, steps.size(), steps::toString);
        return steps.get(0);
    }

    private static String sha256(byte[] bytes) throws java.security.NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
