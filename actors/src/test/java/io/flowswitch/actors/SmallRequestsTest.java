package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.javadsl.SmallRequests;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The small-request path: the direct loop gives a flow's bytes, submit decides by size, batches form. */
class SmallRequestsTest {
    private static final int CHUNK = 4096;
    private static final byte[] KEY = new byte[32];
    private static FlowSwitch node;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        node = start("flowswitch.small-requests { threshold = 64KiB, batch-max-bytes = 10KiB, batch-max-delay = 300ms }");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static FlowSwitch start(String config) {
        return FlowSwitch.start(ConfigFactory.parseString(config).withFallback(ConfigFactory.load()),
            DeviceCatalog.builtIn());
    }

    private Path input(String name, int size) throws Exception {
        final byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    private static FlowSpec chain(Path in, StageSpec transform, Path out) {
        return Flows.from(Devices.file(in)).via(transform).to(Devices.fileSink(out)).chunkBytes(CHUNK).key("k", KEY)
            .name(out.getFileName().toString()).build();
    }

    private static FlowResult ok(FlowResult result) {
        assertNull(result.error(), () -> "failed: " + result.error());
        return result;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, 3 * CHUNK + 7})
    void theDirectPathEncryptsWhatAFlowDecryptsAndTheOtherWayRound(int size) throws Exception {
        final Path in = input("in.bin", size);
        final SmallRequests small = node.smallRequests();
        ok(small.direct(chain(in, Devices.aesGcmEncrypt("k"), dir.resolve("direct.enc"))));
        ok(node.run(chain(dir.resolve("direct.enc"), Devices.aesGcmDecrypt("k"), dir.resolve("back1.bin")))
            .completion().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(dir.resolve("back1.bin")));
        ok(node.run(chain(in, Devices.aesGcmEncrypt("k"), dir.resolve("flow.enc"))).completion().toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
        final FlowResult direct = ok(small.direct(chain(dir.resolve("flow.enc"), Devices.aesGcmDecrypt("k"),
            dir.resolve("back2.bin"))));
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(dir.resolve("back2.bin")));
        assertEquals(size, direct.bytesOut());
    }

    /**
     * A request into a sink the caller reads back (its output's SHA-256): the same digest on the flow path (with
     * replicas), on the direct path, and of the file the same request writes as a flow and on the direct path. A
     * fixed salt makes the ciphertext reproducible.
     */
    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1024, 3 * CHUNK + 7})
    void aRequestIntoTheCallersSinkHasTheSameDigestOnBothPaths(int size) throws Exception {
        final Path in = input("in.bin", size);
        final StageSpec encrypt = StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex", "00112233445566778899aabb");
        final FlowSpec toSink = Flows.from(Devices.file(in)).via(encrypt, 2).to(Devices.sha256Sink()).chunkBytes(CHUNK)
            .key("k", KEY).build();
        final String flow = ok(node.run(toSink).completion().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .result("sha256");
        final SmallRequests small = node.smallRequests();
        // Twice on the direct path: the second reuses what the first left (chunks, cipher).
        final String direct = ok(small.direct(toSink)).result("sha256");
        final String again = ok(small.direct(toSink)).result("sha256");
        final Path out = dir.resolve("out.enc");
        ok(node.run(Flows.from(Devices.file(in)).via(encrypt, 2).to(Devices.fileSink(out)).chunkBytes(CHUNK)
            .key("k", KEY).build()).completion().toCompletableFuture().get(10, TimeUnit.SECONDS));
        final String file = sha256(Files.readAllBytes(out));
        // File to file on the direct path: the same bytes as the flow's file.
        final Path directOut = dir.resolve("direct-out.enc");
        ok(small.direct(Flows.from(Devices.file(in)).via(encrypt, 2).to(Devices.fileSink(directOut)).chunkBytes(CHUNK)
            .key("k", KEY).build()));
        assertEquals(file, sha256(Files.readAllBytes(directOut)), "the direct path writes the flow's bytes");
        assertEquals(file, flow, "the flow's digest is that of the file it writes");
        assertEquals(file, direct, "the direct path's digest is the flow's");
        assertEquals(file, again);
        // And the ciphertext is real: it decrypts to the input as a flow.
        ok(node.run(chain(out, Devices.aesGcmDecrypt("k"), dir.resolve("back.bin"))).completion()
            .toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(dir.resolve("back.bin")));
    }

    @Test
    void theDirectPathRunsExpandingAndShrinkingDevicesAndReportsResults() throws Exception {
        final byte[] text = "a small request, gzip shrinks it well; ".repeat(2000).getBytes();
        final Path in = Files.write(dir.resolve("text.txt"), text);
        final FlowResult zipped = ok(node.smallRequests().direct(chain(in, Devices.gzip(6), dir.resolve("text.gz"))));
        try (InputStream gunzip = new GZIPInputStream(Files.newInputStream(dir.resolve("text.gz")))) {
            assertArrayEquals(text, gunzip.readAllBytes());
        }
        assertEquals(text.length, zipped.bytesIn());
        assertTrue(zipped.bytesOut() < text.length / 10, "gzip output " + zipped.bytesOut());
        final FlowResult tapped = ok(node.smallRequests().direct(chain(in, Devices.sha256(), dir.resolve("copy.txt"))));
        assertEquals(sha256(text), tapped.result("sha256").toLowerCase());
        assertArrayEquals(text, Files.readAllBytes(dir.resolve("copy.txt")));
    }

    @Test
    void errorsComeBackInTheResultAndLeaveNoOutput() throws Exception {
        final FlowResult missing = node.smallRequests().direct(chain(dir.resolve("nothing.bin"), Devices.sha256(),
            dir.resolve("out.bin")));
        // As a flow would be: refused when checked, before anything is opened.
        assertEquals("INVALID_FLOW", ((FlowException) missing.error()).code());
        assertTrue(missing.error().getMessage().contains("nothing.bin"), missing.error().getMessage());
        assertFalse(Files.exists(dir.resolve("out.bin")));
        final Path in = input("in.bin", 100);
        final FlowResult unknown = node.smallRequests().direct(chain(in, StageSpec.of("warp-drive"),
            dir.resolve("out.bin")));
        assertEquals("INVALID_FLOW", ((FlowException) unknown.error()).code());
        assertTrue(unknown.error().getMessage().contains("stage 2 (warp-drive): unknown device kind"),
            unknown.error().getMessage());
        // A tampered ciphertext fails authentication on the direct path too, and the sink removes its output.
        ok(node.smallRequests().direct(chain(in, Devices.aesGcmEncrypt("k"), dir.resolve("in.enc"))));
        final byte[] enc = Files.readAllBytes(dir.resolve("in.enc"));
        enc[enc.length - 1] ^= 1;
        Files.write(dir.resolve("in.enc"), enc);
        final FlowResult tampered = node.smallRequests().direct(chain(dir.resolve("in.enc"), Devices.aesGcmDecrypt("k"),
            dir.resolve("back.bin")));
        assertFalse(tampered.succeeded());
        assertFalse(Files.exists(dir.resolve("back.bin")));
    }

    @Test
    void submitBypassesBelowTheThresholdAndRunsAFlowAbove() throws Exception {
        final SmallRequests small = node.smallRequests();
        assertEquals(64 * 1024, small.threshold().thresholdBytes());
        assertFalse(small.threshold().calibrated());
        final SmallRequests.Stats before = small.stats();
        final Path tiny = input("tiny.bin", 1024);
        final Path big = input("big.bin", 256 * 1024);
        ok(node.submit(chain(big, Devices.sha256(), dir.resolve("big.out"))).toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
        final SmallRequests.Stats afterBig = small.stats();
        assertEquals(before.flows() + 1, afterBig.flows());
        assertEquals(before.bypassed(), afterBig.bypassed());
        ok(node.submit(chain(tiny, Devices.sha256(), dir.resolve("tiny.out"))).toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
        assertEquals(afterBig.bypassed() + 1, small.stats().bypassed());
        assertEquals(afterBig.flows(), small.stats().flows());
        assertArrayEquals(Files.readAllBytes(tiny), Files.readAllBytes(dir.resolve("tiny.out")));
    }

    @Test
    void smallRequestsToTheSameDevicesLeaveInOneBatchWhenItIsFull() throws Exception {
        final SmallRequests small = node.smallRequests();
        final long batchesBefore = small.stats().batches();
        final List<CompletableFuture<FlowResult>> results = new ArrayList<>();
        // Ten 1 KiB requests fill the 10 KiB budget exactly: one batch, sent when the tenth arrives.
        for (int i = 0; i < 10; i++) {
            final Path in = input("in-" + i + ".bin", 1024);
            results.add(small.batched(chain(in, Devices.crc32c(), dir.resolve("out-" + i + ".bin")))
                .toCompletableFuture());
        }
        for (int i = 0; i < 10; i++) {
            ok(results.get(i).get(10, TimeUnit.SECONDS));
            assertArrayEquals(Files.readAllBytes(dir.resolve("in-" + i + ".bin")),
                Files.readAllBytes(dir.resolve("out-" + i + ".bin")));
        }
        assertEquals(batchesBefore + 1, small.stats().batches());
        // One more opens a batch of its own, which leaves at its deadline.
        final long startNs = System.nanoTime();
        ok(small.batched(chain(input("late.bin", 10), Devices.crc32c(), dir.resolve("late.out")))
            .toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - startNs >= 250_000_000L, "a lone request waits for the batch's deadline");
        assertEquals(batchesBefore + 2, small.stats().batches());
    }

    @Test
    void calibrationMeasuresBothPathsAndSetsTheThreshold() {
        try (FlowSwitch calibrating = start("flowswitch.small-requests.calibration-bytes = 1MiB")) {
            final SmallRequests.Calibration calibration = calibrating.smallRequests()
                .calibrate((in, out) -> Flows.from(Devices.file(in)).via(Devices.aesGcmEncrypt("k"), 2)
                    .to(Devices.fileSink(out)).key("k", KEY).build(), dir);
            assertTrue(calibration.flowSmallNs() > 0 && calibration.directSmallNs() > 0, calibration::toString);
            assertTrue(calibration.flowSmallNs() > calibration.directSmallNs(),
                "a flow costs more than the direct path for 1 KiB: " + calibration);
            assertTrue(calibration.threshold().calibrated());
            assertEquals(calibration.threshold(), calibrating.smallRequests().threshold());
            try (var left = Files.list(dir)) {
                assertEquals(0, left.count(), "calibration removes its scratch files");
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void calibrateAtStartCalibratesInTheBackground() throws Exception {
        try (FlowSwitch calibrating = start("flowswitch.small-requests { calibrate-at-start = on,"
            + " calibration-bytes = 256KiB }")) {
            Eventually.waitUntil(Duration.ofSeconds(30), () -> calibrating.smallRequests().calibration() != null);
            assertTrue(calibrating.smallRequests().threshold().calibrated());
        }
    }

    @Test
    void closingTheNodeEndsRequestsWaitingInABatch() throws Exception {
        final FlowSwitch closing = start("flowswitch.small-requests { threshold = 1MiB, batch-max-delay = 5s }");
        final CompletableFuture<FlowResult> waiting = closing.submit(chain(input("in.bin", 100), Devices.crc32c(),
            dir.resolve("out.bin"))).toCompletableFuture();
        closing.close();
        final FlowResult result = waiting.get(10, TimeUnit.SECONDS);
        assertEquals("CLOSED", ((FlowException) result.error()).code());
        assertTrue(result.error().getMessage().contains("did not run: the node closed before it ran"));
    }

    @Test
    void badSettingsNameTheirKeys() {
        final ConfigException threshold = assertThrows(ConfigException.class,
            () -> start("flowswitch.small-requests.threshold = lots"));
        assertTrue(threshold.getMessage().contains("flowswitch.small-requests.threshold") && threshold.getMessage()
            .contains("auto, or a size in bytes"), threshold.getMessage());
        final ConfigException workers = assertThrows(ConfigException.class,
            () -> start("flowswitch.small-requests.workers = 0"));
        assertTrue(workers.getMessage().contains("flowswitch.small-requests.workers"), workers.getMessage());
    }
}
