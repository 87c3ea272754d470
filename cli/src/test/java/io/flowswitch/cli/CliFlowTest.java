package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowswitch.devices.DeviceKind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Whole command lines against one real node shared by the class (a node takes ~0.5 s to start). */
class CliFlowTest {
    /** Every kind the CLI's help documents. */
    static final List<String> DOCUMENTED_KINDS = List.of("file-source", "file-sink", "tcp-source", "tcp-sink",
        "aes-gcm-encrypt", "aes-gcm-decrypt", "sha256", "crc32c", "gzip", "gunzip", "rate-limit", "frame", "deframe",
        "split", "join", "tee", "pass", "sha256-sink", "file-region-source", "aes-gcm-tcp-sink", "tls-sink",
        "tls-source", "pipe-source", "pipe-sink", "aes-gcm-card");
    private static final Pattern SHA256 = Pattern.compile("sha256=([0-9a-f]{64})");

    @RegisterExtension
    static final Cli.ClassNode shared = new Cli.ClassNode();

    @TempDir
    Path dir;

    private static Cli.Outcome cli(String... args) {
        return shared.run(args);
    }

    private static void assumeKinds(String... kinds) {
        for (String kind : kinds) {
            assumeTrue(shared.node().catalog().find(kind).isPresent(), kind + " is not in this build's device catalog yet");
        }
    }

    @Test
    void runWithSha256TapReportsTheDigestOfItsInput() throws IOException {
        final Path in = randomFile("in.bin", 3 * 1024 * 1024 + 17);
        final Path out = dir.resolve("out.bin");
        final Cli.Outcome outcome = cli("run", "--from", "file-source:path=" + in, "--via", "sha256",
            "--to", "file-sink:path=" + out, "--chunk", "16KiB", "--no-progress");
        outcome.assertDone();
        assertEquals(DemoCommand.sha256(in), sha256Of(outcome.out()));
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
        assertTrue(outcome.out().contains("flow ") && outcome.out().contains("file-source -> sha256 -> file-sink"),
            outcome::toString);
        assertTrue(outcome.out().contains("in " + Files.size(in)), outcome::toString);
        assertTrue(outcome.out().contains("2:sha256"), outcome::toString);
        assertTrue(outcome.out().contains("edges     fused"), outcome::toString);
        assertEquals("", outcome.err());
    }

    @Test
    void aeronTransportShowsInTheSummary() throws IOException {
        final Path in = randomFile("in.bin", 1024 * 1024);
        final Cli.Outcome outcome = cli("run", "--from", "file-source:path=" + in, "--via", "sha256",
            "--to", "file-sink:path=" + dir.resolve("out.bin"), "--transport", "aeron", "--port-capacity", "4");
        outcome.assertDone();
        assertTrue(outcome.out().contains("edges     aeron:ipc"), outcome::toString);
        assertEquals(DemoCommand.sha256(in), sha256Of(outcome.out()));
    }

    @Test
    void replicasReachTheVerifier() {
        final String line = cli("run", "--from", "file-source:path=" + dir.resolve("in.bin"),
            "--via", "gzip:replicas=2", "--to", "file-sink:path=" + dir.resolve("out.gz"))
            .assertError(ExitCodes.REJECTED);
        assertTrue(line.contains("(gzip): cannot be replicated"), line);
    }

    @Test
    void encryptThenDecryptGivesTheInputBackAndItsDigest() throws IOException {
        assumeKinds("aes-gcm-encrypt", "aes-gcm-decrypt");
        final Path in = randomFile("in.bin", 2 * 1024 * 1024 + 5);
        final Path key = Files.writeString(dir.resolve("key.hex"), "00112233445566778899aabbccddeeff"
            + "00112233445566778899aabbccddeeff\n");
        final Path cipher = dir.resolve("cipher.enc");
        final Path back = dir.resolve("back.bin");
        cli("run", "--from", "file-source:path=" + in, "--via", "aes-gcm-encrypt:key=k1",
            "--to", "file-sink:path=" + cipher, "--key", "k1=" + key).assertDone();
        assertTrue(Files.size(cipher) > Files.size(in));
        final Cli.Outcome decrypt = cli("run", "--from", "file-source:path=" + cipher,
            "--via", "aes-gcm-decrypt:key=k1", "--via", "sha256", "--to", "file-sink:path=" + back,
            "--key", "k1=" + key);
        decrypt.assertDone();
        assertEquals(DemoCommand.sha256(in), sha256Of(decrypt.out()));
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(back));
    }

    @Test
    void tamperedCiphertextFailsWithAuthFailedAndLeavesNoOutput() throws IOException {
        assumeKinds("aes-gcm-encrypt", "aes-gcm-decrypt");
        final Path key = Files.write(dir.resolve("key.bin"), new SplittableRandom(7).ints(32, 0, 256)
            .collect(java.io.ByteArrayOutputStream::new, (b, i) -> b.write(i), (a, b) -> { }).toByteArray());
        final Path cipher = encrypt(randomFile("in.bin", 2 * 1024 * 1024), key);
        final byte[] bytes = Files.readAllBytes(cipher);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(cipher, bytes);
        final String line = decryptExpectingFailure(cipher, key);
        assertTrue(line.contains("AUTH_FAILED"), line);
    }

    @Test
    void truncatedCiphertextFailsAndLeavesNoOutput() throws IOException {
        assumeKinds("aes-gcm-encrypt", "aes-gcm-decrypt");
        final Path key = Files.write(dir.resolve("key.bin"), new byte[32]);
        final Path cipher = encrypt(randomFile("in.bin", 1024 * 1024), key);
        final byte[] bytes = Files.readAllBytes(cipher);
        Files.write(cipher, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        final String line = decryptExpectingFailure(cipher, key);
        assertTrue(line.contains("TRUNCATED") || line.contains("AUTH_FAILED"), line);
    }

    @Test
    void corruptGzipFailsAfterWritingAndLeavesNoOutput() throws IOException {
        final byte[] data = Files.readAllBytes(randomFile("data.bin", 2 * 1024 * 1024));
        final Path gz = dir.resolve("data.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(data);
        }
        final byte[] bytes = Files.readAllBytes(gz);
        // The CRC-32 in the trailer: every byte is written before the check fails.
        bytes[bytes.length - 8] ^= 0x01;
        Files.write(gz, bytes);
        final Path out = dir.resolve("out.bin");
        final String line = cli("run", "--from", "file-source:path=" + gz, "--via", "gunzip",
            "--to", "file-sink:path=" + out).assertError(ExitCodes.FLOW_FAILED);
        assertTrue(line.contains("gunzip"), line);
        assertFalse(Files.exists(out), "partial output left behind");
        assertEquals(Set.of("data.bin", "data.gz"), names(dir));
    }

    @Test
    void unknownDeviceKindIsRejected() {
        final String line = cli("run", "--from", "file-source:path=" + dir.resolve("in.bin"),
            "--via", "aes-gcm-frobnicate:key=k1", "--to", "file-sink:path=" + dir.resolve("out.bin"),
            "--key", "k1=" + writeKey()).assertError(ExitCodes.REJECTED);
        assertTrue(line.contains("aes-gcm-frobnicate") && line.contains("unknown device kind"), line);
        assertTrue(line.contains("(INVALID_FLOW)"), line);
    }

    @Test
    void missingInputFileIsRejectedWithItsPath() {
        final Path in = dir.resolve("absent.bin");
        final Path out = dir.resolve("out.bin");
        final Cli.Outcome outcome = cli("run", "--from", "file-source:path=" + in, "--to", "file-sink:path=" + out);
        assertTrue(outcome.exitCode() != ExitCodes.DONE, outcome::toString);
        final String line = outcome.assertError(outcome.exitCode());
        assertTrue(line.contains(in.toString()), line);
        assertFalse(Files.exists(out));
    }

    @Test
    void refusedConnectionFailsWithOneLineAndTheAddress() throws IOException {
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        final Path in = randomFile("in.bin", 4096);
        final String line = cli("run", "--from", "file-source:path=" + in,
            "--to", "tcp-sink:host=127.0.0.1,port=" + port).assertError(ExitCodes.FLOW_FAILED);
        assertTrue(line.contains(Integer.toString(port)) && line.contains("refused"), line);
    }

    @Test
    void progressBarIsDrawnForAFlowLongerThanASecond() throws IOException {
        final Path in = randomFile("in.bin", 2_600_000);
        final Cli.Outcome outcome = cli("run", "--from", "file-source:path=" + in,
            "--via", "rate-limit:rate-bytes-per-second=2000000", "--to", "file-sink:path=" + dir.resolve("out.bin"),
            "--progress");
        outcome.assertDone();
        assertTrue(outcome.err().contains("\r["), outcome::toString);
        assertTrue(outcome.err().contains("% ") && outcome.err().contains(" / 2.5 MiB"), outcome::toString);
        // The bar erases itself: what is left on the line is blank.
        final String[] redraws = outcome.err().split("\r", -1);
        assertEquals("", redraws[redraws.length - 1]);
    }

    @Test
    void devicesListsEveryKindOnce() {
        final Cli.Outcome text = cli("devices");
        text.assertDone();
        final List<String> listed = text.out().lines().skip(1).takeWhile(line -> !line.isEmpty())
            .filter(line -> !line.startsWith(" ")).map(line -> line.split("\\s+")[0]).toList();
        assertEquals(shared.node().catalog().kinds().stream().map(DeviceKind::name).toList(), listed);

        final Cli.Outcome json = cli("devices", "--format", "json");
        json.assertDone();
        for (DeviceKind kind : shared.node().catalog().kinds()) {
            assertEquals(1, count(json.out(), "\"kind\": \"" + kind.name() + "\""), kind.name());
            assertTrue(json.out().contains("\"name\": \"" + kind.name() + "#0\""), kind.name());
        }
        assertEquals(shared.node().catalog().kinds().size(), count(json.out(), "\"limitBytesPerSecond\": "),
            "every kind shows its rate limit from the node's ledger");
        assertTrue(text.out().lines().findFirst().orElseThrow().contains("RATE IN USE"), text.out());
        assertTrue(text.out().lines().findFirst().orElseThrow().contains("MEASURED"), text.out());
        assertEquals(shared.node().catalog().kinds().size(), count(json.out(), "\"measuredBytesPerSecond\": "),
            "every kind shows its measured rate (0 when not measured)");
        assertTrue(json.out().strip().startsWith("{") && json.out().strip().endsWith("}"));
    }

    @Test
    void devicesShowsTheNodesAeronStreamPool() throws IOException {
        final Path in = randomFile("in.bin", 300_000);
        final Path out = dir.resolve("out.bin");
        cli("run", "--from", "file-source:path=" + in, "--via", "sha256", "--via", "crc32c",
            "--to", "file-sink:path=" + out, "--chunk", "16KiB", "--transport", "aeron", "--no-progress").assertDone();
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
        // The flow's streams are back in the pool (the flow's result comes after its ports closed), and nothing runs now.
        final io.flowswitch.devices.port.IpcStreamPool.Stats stats = shared.node().ipcStreams();
        assertEquals(0, stats.leasedStreams(), stats.toString());
        assertTrue(stats.idleStreams() >= 2 && stats.opened() + stats.reused() >= 2, stats.toString());

        final Cli.Outcome text = cli("devices");
        text.assertDone();
        final String line = text.out().lines().filter(l -> l.startsWith("aeron streams: ")).findFirst().orElseThrow();
        final io.flowswitch.devices.port.IpcStreamPool.Stats now = shared.node().ipcStreams();
        assertTrue(line.startsWith("aeron streams: " + now.idleStreams() + " idle ("
            + io.flowswitch.scheduler.Rates.formatBytes(now.idleLogBytes()) + " of log; keeps at most 16, 256 MiB), 0 leased; "
            + now.opened() + " opened, " + now.reused() + " reused"), text.out());

        final Cli.Outcome json = cli("devices", "--format", "json");
        json.assertDone();
        assertTrue(json.out().contains("\"aeronStreams\": {\"idle\": " + now.idleStreams() + ", \"idleLogBytes\": "
            + now.idleLogBytes() + ", \"leased\": 0, \"opened\": " + now.opened() + ", \"reused\": " + now.reused()),
            json.out());
        assertTrue(json.out().contains("\"maxIdleStreams\": 16, \"maxIdleLogBytes\": " + (256L << 20) + "}"), json.out());
    }

    @Test
    void everyDocumentedKindIsInTheCatalog() {
        assumeKinds("aes-gcm-encrypt", "aes-gcm-decrypt");
        final Set<String> names = shared.node().catalog().kinds().stream().map(DeviceKind::name).collect(Collectors.toSet());
        assertEquals(Set.copyOf(DOCUMENTED_KINDS), names);
    }

    @Test
    void demoMatchesDigestsAndCleansUp() {
        assumeKinds("aes-gcm-encrypt", "aes-gcm-decrypt");
        final Cli.Outcome outcome = cli("demo", "--size", "3MiB", "--chunk", "32KiB", "--dir", dir.toString(),
            "--no-progress");
        outcome.assertDone();
        assertTrue(outcome.out().matches("(?s).*digests match: [0-9a-f]{64}\\R$"), outcome::toString);
        assertTrue(outcome.out().contains("encrypt") && outcome.out().contains("decrypt"), outcome::toString);
        assertEquals(Set.of(), names(dir), "the demo left files behind");
    }

    private Path encrypt(Path in, Path key) {
        final Path cipher = dir.resolve("cipher.enc");
        cli("run", "--from", "file-source:path=" + in, "--via", "aes-gcm-encrypt:key=k1",
            "--to", "file-sink:path=" + cipher, "--key", "k1=" + key).assertDone();
        return cipher;
    }

    /** Decrypts into {@code out.bin} expecting exit code 1; checks that nothing new is left in the directory. */
    private String decryptExpectingFailure(Path cipher, Path key) {
        final Set<String> before = names(dir);
        final Path out = dir.resolve("out.bin");
        final String line = cli("run", "--from", "file-source:path=" + cipher, "--via", "aes-gcm-decrypt:key=k1",
            "--to", "file-sink:path=" + out, "--key", "k1=" + key).assertError(ExitCodes.FLOW_FAILED);
        assertTrue(line.contains("aes-gcm-decrypt"), line);
        assertFalse(Files.exists(out), "partial output left behind");
        assertEquals(before, names(dir));
        return line;
    }

    private Path writeKey() {
        try {
            return Files.write(dir.resolve("key.bin"), new byte[32]);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path randomFile(String name, int size) throws IOException {
        final byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    private static String sha256Of(String out) {
        final Matcher matcher = SHA256.matcher(out);
        assertTrue(matcher.find(), () -> "no sha256 result in:\n" + out);
        return matcher.group(1);
    }

    private static Set<String> names(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
