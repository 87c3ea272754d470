package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Flows end to end through a real node: actor system, device actors, media driver, real files. */
class FlowSwitchTest {
    private static final int CHUNK = 4096;
    private static final byte[] KEY = new byte[32];
    private static FlowSwitch node;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        new Random(1).nextBytes(KEY);
        node = FlowSwitch.start();
    }

    @AfterAll
    static void stop() {
        final String aeronDir = node.aeronDirectoryName();
        node.close();
        assertFalse(new File(aeronDir).exists(), "the node removes its driver directory");
    }

    @AfterEach
    void allStagesStopped() {
        StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
    }

    static Stream<Arguments> sizesAndTransports() {
        return Stream.of(0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * 1024 * 1024 + 17)
            .flatMap(size -> Stream.of(Transport.FUSED, Transport.AERON_IPC).map(t -> Arguments.of(size, t)));
    }

    @ParameterizedTest(name = "{0} bytes over {1}")
    @MethodSource("sizesAndTransports")
    void encryptThenDecryptIsByteIdentical(int size, Transport transport) throws Exception {
        final Path plain = randomFile("plain.bin", size);
        final Path sealed = dir.resolve("sealed.enc");
        final Path opened = dir.resolve("opened.bin");

        final FlowResult encrypted = run(Flows.from(Devices.file(plain)).via(Devices.aesGcmEncrypt("k"))
            .to(Devices.fileSink(sealed)).key("k", KEY).chunkBytes(CHUNK).transport(transport).build());
        assertTrue(encrypted.succeeded(), () -> String.valueOf(encrypted.error()));
        assertEquals(size, encrypted.bytesIn());
        assertEquals(Files.size(sealed), encrypted.bytesOut());

        final FlowResult decrypted = run(Flows.from(Devices.file(sealed)).via(Devices.aesGcmDecrypt("k"))
            .via(Devices.sha256()).to(Devices.fileSink(opened)).key("k", KEY).chunkBytes(CHUNK)
            .transport(transport).build());
        assertTrue(decrypted.succeeded(), () -> String.valueOf(decrypted.error()));
        assertEquals(sha256(plain), sha256(opened));
        assertEquals(sha256(plain), decrypted.result("sha256"), "the tap reports the digest of what passed");
    }

    @ParameterizedTest(name = "then sha256: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void replicatedEncryptionGivesTheSameBytesAsOneInstance(boolean thenSha256) throws Exception {
        // Without a tap the chain is laned (each lane reads, encrypts, writes its own chunks); with a
        // stateful tap after it, the replicas are balanced and merged back in order.
        final Path plain = randomFile("plain.bin", 2 * 1024 * 1024 + 5);
        final Path one = dir.resolve("one.enc");
        final Path two = dir.resolve("two.enc");
        final io.flowswitch.flow.StageSpec encrypt =
            io.flowswitch.flow.StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex", "000102030405060708090a0b");
        assertTrue(run(Flows.from(Devices.file(plain)).via(encrypt).to(Devices.fileSink(one)).key("k", KEY)
            .chunkBytes(CHUNK).build()).succeeded());
        final Flows.Builder replicated = Flows.from(Devices.file(plain)).via(encrypt, 2);
        if (thenSha256) {
            replicated.via(Devices.sha256());
        }
        final FlowResult result = run(replicated.to(Devices.fileSink(two)).key("k", KEY).chunkBytes(CHUNK).build());
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
        final List<FlowResult.StageReport> encrypters = result.stages().stream()
            .filter(stage -> stage.counters().stage().contains("aes-gcm-encrypt")).toList();
        assertEquals(2, encrypters.size());
        if (thenSha256) {
            // The balance hands chunks round robin to replicas that want one.
            assertTrue(encrypters.stream().allMatch(stage -> stage.counters().chunksIn() > 0), "both replicas did work");
        } else {
            // Lanes claim chunks from a shared cursor: each chunk once, but a lane whose thread starts late may
            // find every chunk claimed.
            final long read = result.stages().stream().filter(stage -> stage.counters().stage().startsWith("1:"))
                .mapToLong(stage -> stage.counters().chunksOut()).sum();
            assertEquals(read, encrypters.stream().mapToLong(stage -> stage.counters().chunksIn()).sum(),
                "each chunk read was encrypted once");
        }
        assertEquals(Files.size(plain), result.bytesIn());
        assertEquals(Files.size(two), result.bytesOut());
        if (thenSha256) {
            assertEquals(sha256(two), result.result("sha256"));
        }
    }

    @Test
    void anEmptyFileEncryptsInLanesToHeaderAndEndRecord() throws Exception {
        final Path plain = randomFile("empty.bin", 0);
        final Path sealed = dir.resolve("sealed.enc");
        final Path opened = dir.resolve("opened.bin");
        assertTrue(run(Flows.from(Devices.file(plain)).via(Devices.aesGcmEncrypt("k"), 2).to(Devices.fileSink(sealed))
            .key("k", KEY).chunkBytes(CHUNK).build()).succeeded());
        assertTrue(run(Flows.from(Devices.file(sealed)).via(Devices.aesGcmDecrypt("k")).to(Devices.fileSink(opened))
            .key("k", KEY).chunkBytes(CHUNK).build()).succeeded());
        assertEquals(0, Files.size(opened));
    }

    @org.junit.jupiter.api.RepeatedTest(12)
    void replicatedFlowsEndCleanlyRunAfterRun(org.junit.jupiter.api.RepetitionInfo repetition) throws Exception {
        // A writer whose upstream finished while its last chunk waited for credit was once stopped early.
        final Path plain = randomFile("plain.bin", 300_000 + repetition.getCurrentRepetition());
        final Transport transport = repetition.getCurrentRepetition() % 2 == 0 ? Transport.FUSED : Transport.AERON_IPC;
        final Path sealed = dir.resolve("sealed.enc");
        // The tap after the replicas keeps them balanced and merged (not laned), with ports between islands.
        final FlowResult result = run(Flows.from(Devices.file(plain)).via(Devices.aesGcmEncrypt("k"), 2)
            .via(Devices.sha256()).to(Devices.fileSink(sealed)).key("k", KEY).chunkBytes(CHUNK).portCapacityChunks(2)
            .transport(transport).build());
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        final Path opened = dir.resolve("opened.bin");
        assertTrue(run(Flows.from(Devices.file(sealed)).via(Devices.aesGcmDecrypt("k")).to(Devices.fileSink(opened))
            .key("k", KEY).chunkBytes(CHUNK).build()).succeeded());
        assertEquals(sha256(plain), sha256(opened));
    }

    @Test
    void tamperedCiphertextFailsTheFlowAndLeavesNoOutput() throws Exception {
        final Path plain = randomFile("plain.bin", 100_000);
        final Path sealed = dir.resolve("sealed.enc");
        assertTrue(run(Flows.from(Devices.file(plain)).via(Devices.aesGcmEncrypt("k")).to(Devices.fileSink(sealed))
            .key("k", KEY).chunkBytes(CHUNK).build()).succeeded());
        final byte[] bytes = Files.readAllBytes(sealed);
        bytes[bytes.length / 2] ^= 1;
        Files.write(sealed, bytes);

        final Path opened = dir.resolve("opened.bin");
        final FlowResult result = run(Flows.from(Devices.file(sealed)).via(Devices.aesGcmDecrypt("k"))
            .to(Devices.fileSink(opened)).key("k", KEY).chunkBytes(CHUNK).build());
        assertFalse(result.succeeded());
        assertTrue(result.error().getMessage().contains("aes-gcm-decrypt"), result.error().getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("plain.bin", "sealed.enc"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                "no partial output posing as complete");
        }
    }

    @Test
    void badFlowsAreRejectedWithEveryProblem() {
        final FlowResult result = run(Flows.from(Devices.file(dir.resolve("missing.bin")))
            .via(io.flowswitch.flow.StageSpec.of("no-such-device")).to(Devices.fileSink(dir.resolve("out")))
            .chunkBytes(100).build());
        assertFalse(result.succeeded());
        final FlowException error = (FlowException) result.error();
        assertEquals("INVALID_FLOW", error.code());
        assertTrue(error.getMessage().contains("chunk size"), error.getMessage());
    }

    @Test
    void devicesDescribeThemselves() throws Exception {
        final List<DeviceActor.Description> devices = node.devices().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(devices.stream().anyMatch(d -> d.capabilities().getKind().equals("aes-gcm-encrypt")));
        final DeviceActor.Description gzip = devices.stream()
            .filter(d -> d.capabilities().getKind().equals("gzip")).findFirst().orElseThrow();
        assertEquals(1, gzip.maxLeases(), "a stateful device is pinned to one flow at a time");
        assertNotNull(gzip.health());
    }

    private static FlowResult run(FlowSpec spec) {
        try {
            return node.run(spec).completion().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Path randomFile(String name, int size) throws Exception {
        final byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
