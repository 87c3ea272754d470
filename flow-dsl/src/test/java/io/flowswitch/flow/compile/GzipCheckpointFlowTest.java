package io.flowswitch.flow.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.compress.GzipDevice;
import io.flowswitch.devices.compress.GzipReference;
import io.flowswitch.devices.fault.Fault;
import io.flowswitch.devices.testkit.ExternalTool;
import io.flowswitch.devices.testkit.TestBytes;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.ladder.Receipt;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A gzip stage that crashes recovers from its last checkpoint: on real files, a crash at any chunk, also
 * far past the replay buffer, gives output byte-identical to the run without the crash, which the real
 * {@code gzip} reads back to the input; the new device is given only the chunks since the checkpoint.
 */
class GzipCheckpointFlowTest {
    private static final int CHUNK = 4096;
    /** The smallest replay buffer a ladder takes: the stream is many times longer. */
    private static final int REPLAY_CHUNKS = Ladder.MIN_REPLAY_CHUNKS;
    @RegisterExtension
    static final FlowRunner flows = new FlowRunner("gzip-checkpoint-flow-test");

    @TempDir
    static Path dir;
    private static byte[] data;
    private static Path in;
    private static byte[] uninterrupted;

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        data = TestBytes.concat(TestBytes.compressible(30 * CHUNK), TestBytes.random(12 * CHUNK, 9),
            TestBytes.compressible(38 * CHUNK + 321));
        in = Files.write(dir.resolve("in.bin"), data);
        final Path out = dir.resolve("plain.gz");
        final FlowResult result = flows.run(gzip(Devices.gzip(1), out), 1, 60);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        uninterrupted = Files.readAllBytes(out);
        final ByteArrayOutputStream reference = new ByteArrayOutputStream();
        GzipReference.compress(new ByteArrayInputStream(data), reference, 1, CHUNK);
        assertEquals(TestBytes.sha256Hex(reference.toByteArray()), TestBytes.sha256Hex(uninterrupted));
    }

    private static FlowSpec gzip(io.flowswitch.flow.StageSpec stage, Path out) {
        return Flows.from(Devices.file(in)).via(stage).to(Devices.fileSink(out)).chunkBytes(CHUNK).build();
    }

    @ParameterizedTest(name = "crash at chunk {0}, {1}")
    @CsvSource({"0, redirect", "1, redirect", "3, redirect", "4, redirect", "5, fallback", "7, redirect",
        "32, redirect", "57, fallback", "79, redirect", "80, redirect"})
    void aCrashAnywhereGivesTheSameBytesAndReplaysOnlySinceTheCheckpoint(int at, String step) throws Exception {
        final Path out = dir.resolve("crash-" + at + "-" + step + ".gz");
        final Ladder ladder = Ladder.of("redirect".equals(step) ? new Ladder.RedirectInstance()
            : new Ladder.FallbackSoftware()).withReplayChunks(REPLAY_CHUNKS);

        final FlowResult result = flows.run(gzip(Devices.gzip(1).withLadder(ladder)
            .withFault(Fault.parse("crash@" + at, "test")), out), 10 + at, 60);

        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertEquals(TestBytes.sha256Hex(uninterrupted), TestBytes.sha256Hex(Files.readAllBytes(out)));
        final Receipt.Audit audit = result.receipt().audits().get(0);
        assertEquals(0, audit.gaps());
        assertEquals(1, audit.recoveries());
        // The chunks since the last checkpoint, the one that failed included: never the stream from its start.
        assertEquals(at % GzipDevice.CHECKPOINT_CHUNKS + 1, audit.reissued(), audit::toString);
    }

    @Test
    void theRealGzipReadsARecoveredStreamBackToTheInput() throws Exception {
        ExternalTool.assumeInstalled("gzip");
        final Path out = dir.resolve("tool.gz");
        final FlowResult result = flows.run(gzip(Devices.gzip(1).withLadder(Ladder.of(new Ladder.RedirectInstance())
            .withReplayChunks(REPLAY_CHUNKS)).withFault(Fault.parse("crash@50", "test")), out), 99, 60);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        final Path restored = dir.resolve("tool.bin");

        ExternalTool.run(null, dir.resolve("tool-test.txt"), "gzip", "-t", out.toString());
        ExternalTool.run(out, restored, "gzip", "-dc");

        assertEquals(TestBytes.sha256Hex(data), TestBytes.sha256Hex(Files.readAllBytes(restored)));
    }
}
