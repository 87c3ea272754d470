package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.devices.testkit.TestThreads;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every program in {@code examples/} run as written, from the repository root (the working directory of
 * this module's tests), with the command lines examples/README.md gives. The inputs the programs name
 * ({@code examples/data/plain.bin}, {@code key.bin}) are made here when absent; everything this class
 * creates is removed at the end. One real node is shared by the class.
 */
class ExamplesTest {
    static final Path EXAMPLES = Path.of("examples");
    static final Path DATA = EXAMPLES.resolve("data");
    static final Path PLAIN = DATA.resolve("plain.bin");
    static final Path KEY = DATA.resolve("key.bin");
    /** The port gzip-encrypt-tcp.fml sends to and receive-decrypt-gunzip.fml listens on. */
    static final int TCP_PORT = 9417;
    /** The port header-records-tcp.fml sends to and receive-header-records.fml listens on. */
    static final int RECORDS_PORT = 9418;
    /** Each example; each is run by a test here. */
    static final Set<String> PROGRAMS = Set.of("encrypt-file.fml", "decrypt-file.fml", "gzip-encrypt-tcp.fml",
        "receive-decrypt-gunzip.fml", "replicated-accelerator.fml", "header-records-tcp.fml",
        "receive-header-records.fml", "tee-sha256.fml", "full-ladder.fml", "clear-header-encrypt.fml",
        "clear-header-decrypt.fml", "header-records-mtu.fml");
    private static final Pattern SHA256 = Pattern.compile("sha256=([0-9a-f]{64})");

    @RegisterExtension
    static final Cli.ClassNode shared = new Cli.ClassNode();
    /** What this class made, removed in reverse order at the end. */
    private static final List<Path> CREATED = new ArrayList<>();

    /** Blocking peers run on threads of their own, never on the common pool. */
    @RegisterExtension
    final TestThreads peers = new TestThreads("example-peer");

    @BeforeAll
    static void prepare() throws IOException {
        assertTrue(Files.isDirectory(EXAMPLES), () -> "the examples run from the repository root, but the working"
            + " directory is " + Path.of("").toAbsolutePath() + " (see the surefire configuration in cli/pom.xml)");
        if (!Files.isDirectory(DATA)) {
            CREATED.add(Files.createDirectory(DATA));
        }
        // As examples/README.md does with head -c ... /dev/urandom; an odd size leaves a short last chunk.
        if (!Files.exists(PLAIN)) {
            CREATED.add(Files.write(PLAIN, random(3 * 1024 * 1024 + 4321, 1)));
        }
        if (!Files.exists(KEY)) {
            CREATED.add(Files.write(KEY, random(32, 2)));
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        // The outputs the programs write (plain.bin.enc, .dec, ...), then what this class created.
        try (Stream<Path> files = Files.list(DATA)) {
            for (Path output : files.filter(file -> file.getFileName().toString().startsWith("plain.bin.")).toList()) {
                Files.delete(output);
            }
        }
        for (int i = CREATED.size() - 1; i >= 0; i--) {
            Files.delete(CREATED.get(i));
        }
        CREATED.clear();
    }

    private static Cli.Outcome cli(String... args) {
        return shared.run(args);
    }

    private static String example(String name) {
        return EXAMPLES.resolve(name).toString();
    }

    @Test
    void everyExampleHasATest() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            assertEquals(PROGRAMS, files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".fml"))
                .collect(Collectors.toSet()));
        }
        final String readme = Files.readString(EXAMPLES.resolve("README.md"));
        for (String program : PROGRAMS) {
            assertTrue(readme.contains(program), "examples/README.md does not explain " + program);
        }
    }

    @Test
    void everyExampleChecksClean() {
        final List<String> programs = PROGRAMS.stream().sorted()
            // decrypt-file.fml reads what encrypt-file.fml writes: without it, it is (rightly) FML071.
            .filter(name -> !name.equals("decrypt-file.fml") && !name.equals("clear-header-decrypt.fml"))
            .map(ExamplesTest::example).toList();
        final Cli.Outcome clean = cli(Stream.concat(Stream.of("check"), programs.stream()).toArray(String[]::new));
        clean.assertDone();
        assertTrue(clean.out().endsWith(programs.size() + " programs, all valid\n"), clean::toString);
        cli("check", "--no-environment", example("decrypt-file.fml")).assertDone();
        cli("check", "--no-environment", example("clear-header-decrypt.fml")).assertDone();
    }

    @Test
    void clearHeaderEncryptThenDecryptGiveTheInputBackAndTheHeadersStayReadable() throws IOException {
        cli("run", example("clear-header-encrypt.fml"), "--key", "k1=" + KEY).assertDone();
        // The first record's header, read straight off the encrypted file: file header 32 bytes, record
        // header 24, then the clear 16-byte header (big-endian length, sequence, CRC-32C).
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
            Files.newInputStream(DATA.resolve("plain.bin.clear-header"))))) {
            in.skipNBytes(32 + 24);
            final int length = in.readInt();
            assertEquals(Math.min(64 * 1024, Files.size(PLAIN)), length);
            assertEquals(0, in.readLong());
            final CRC32C crc = new CRC32C();
            try (var plain = Files.newInputStream(PLAIN)) {
                crc.update(plain.readNBytes(length));
            }
            assertEquals(crc.getValue(), in.readInt() & 0xffffffffL, "the clear CRC-32C of the first chunk");
        }
        final Cli.Outcome decrypt = cli("run", example("clear-header-decrypt.fml"), "--key", "k1=" + KEY);
        decrypt.assertDone();
        assertEquals(DemoCommand.sha256(PLAIN), sha256Of(decrypt.out()));
        assertEquals(DemoCommand.sha256(PLAIN), DemoCommand.sha256(DATA.resolve("plain.bin.clear-header.dec")));
    }

    @Test
    void headerRecordsOverTcpReadBackWithPlainDataInputStream() throws Exception {
        assumePortFree(RECORDS_PORT);
        final ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        final CompletableFuture<Long> reader;
        try (ServerSocket server = new ServerSocket(RECORDS_PORT, 1, InetAddress.getLoopbackAddress())) {
            // An independent reader: the wire format as examples/header-records-tcp.fml documents it, parsed
            // with DataInputStream, and the CRC-32C from java.util.zip.
            reader = peers.supply(() -> {
                try (Socket socket = server.accept();
                     DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()))) {
                    long records = 0;
                    while (true) {
                        final int first = in.read();
                        if (first < 0) {
                            return records;
                        }
                        final long length = ((long) first << 24) | (in.readUnsignedByte() << 16)
                            | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                        assertEquals(records, in.readLong(), "sequence of record " + records);
                        final long crc = in.readInt() & 0xffffffffL;
                        final byte[] payload = in.readNBytes((int) length);
                        assertEquals(length, payload.length, "record " + records + " is cut short");
                        final CRC32C reference = new CRC32C();
                        reference.update(payload);
                        assertEquals(reference.getValue(), crc, "CRC-32C of record " + records);
                        assertTrue(length <= 16 * 1024, "a record holds one 16KiB chunk at most");
                        payloads.write(payload);
                        records++;
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            final Cli.Outcome sender = cli("run", example("header-records-tcp.fml"));
            sender.assertDone();
            assertTrue(sender.out().contains("file-source -> frame -> tcp-sink"), sender::toString);
            final long records = reader.get(60, TimeUnit.SECONDS);
            assertEquals((Files.size(PLAIN) + 16 * 1024 - 1) / (16 * 1024), records);
        }
        assertArrayEquals(Files.readAllBytes(PLAIN), payloads.toByteArray());
    }

    @Test
    void headerRecordsOverTcpAreCheckedByTheReceiver() throws Exception {
        assumePortFree(RECORDS_PORT);
        final CompletableFuture<Cli.Outcome> receiver = peers.supply(
            () -> cli("run", example("receive-header-records.fml")));
        final Cli.Outcome sender = sendOnceListening(receiver, "run", example("header-records-tcp.fml"));
        final Cli.Outcome received = receiver.get(60, TimeUnit.SECONDS);
        assertTrue(sender != null, received::toString);
        sender.assertDone();
        received.assertDone();
        assertEquals(DemoCommand.sha256(PLAIN), sha256Of(received.out()));
        assertArrayEquals(Files.readAllBytes(PLAIN), Files.readAllBytes(DATA.resolve("plain.bin.records")));
    }

    /**
     * Runs the sending command line {@code args} until the receiver takes its connection. The receiver binds
     * when its flow starts and says so nowhere a test can wait on; until then a connection is refused, so the
     * sender tries again (for 20 s at most, or until the receiver ended).
     *
     * @return the sender's last outcome; null when the receiver ended before the sender ran
     */
    private static Cli.Outcome sendOnceListening(CompletableFuture<Cli.Outcome> receiver, String... args)
        throws Exception {
        final Cli.Outcome[] sender = new Cli.Outcome[1];
        Eventually.waitUntil(Duration.ofSeconds(20), () -> {
            if (receiver.isDone()) {
                return true;
            }
            sender[0] = cli(args);
            return sender[0].exitCode() != ExitCodes.FLOW_FAILED || !sender[0].err().contains("refused");
        });
        return sender[0];
    }

    private static void assumePortFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assumeTrue(probe.isBound(), "port " + port + " is free");
        } catch (IOException inUse) {
            assumeTrue(false, "port " + port + ", which the TCP examples use, is taken on this machine: " + inUse);
        }
    }

    @Test
    void encryptFileThenDecryptFileGiveTheInputBack() throws IOException {
        final Cli.Outcome encrypt = cli("run", example("encrypt-file.fml"), "--key", "k1=" + KEY);
        encrypt.assertDone();
        assertTrue(encrypt.out().contains("file-source -> aes-gcm-encrypt x2 -> file-sink (encrypt-file)"), encrypt::toString);
        assertTrue(encrypt.out().contains("2 lanes"), encrypt::toString);
        final Cli.Outcome decrypt = cli("run", example("decrypt-file.fml"), "--key", "k1=" + KEY);
        decrypt.assertDone();
        assertEquals(DemoCommand.sha256(PLAIN), sha256Of(decrypt.out()));
        assertEquals(DemoCommand.sha256(PLAIN), DemoCommand.sha256(DATA.resolve("plain.bin.dec")));
    }

    @Test
    void gzipEncryptOverTcpReachesTheReceiverIntact() throws Exception {
        try (ServerSocket probe = new ServerSocket(TCP_PORT, 1, InetAddress.getLoopbackAddress())) {
            assumeTrue(probe.isBound(), "port " + TCP_PORT + " is free");
        } catch (IOException inUse) {
            assumeTrue(false, "port " + TCP_PORT + ", which the TCP examples use, is taken on this machine: " + inUse);
        }
        final CompletableFuture<Cli.Outcome> receiver = peers.supply(
            () -> cli("run", example("receive-decrypt-gunzip.fml"), "--key", "session=" + KEY));
        final Cli.Outcome sender = sendOnceListening(receiver, "run", example("gzip-encrypt-tcp.fml"), "--key",
            "session=" + KEY);
        final Cli.Outcome received = receiver.get(60, TimeUnit.SECONDS);
        assertTrue(sender != null, received::toString);
        sender.assertDone();
        assertTrue(sender.out().contains("edges     aeron:ipc"), sender::toString);
        received.assertDone();
        assertEquals(DemoCommand.sha256(PLAIN), sha256Of(received.out()));
        assertArrayEquals(Files.readAllBytes(PLAIN), Files.readAllBytes(DATA.resolve("plain.bin.received")));
    }

    @Test
    void replicatedAcceleratorRunsAsFourLanesAndCopiesTheFile() {
        final Cli.Outcome explain = cli("explain", example("replicated-accelerator.fml"));
        explain.assertDone();
        assertTrue(explain.out().contains("accel        rate-limit   x4") && explain.out().contains("4 lanes"),
            explain::toString);
        final Cli.Outcome run = cli("run", example("replicated-accelerator.fml"));
        run.assertDone();
        assertTrue(run.out().contains("file-source -> rate-limit x4 -> file-sink") && run.out().contains("4 lanes"),
            run::toString);
        assertEquals(DemoCommand.sha256(PLAIN), DemoCommand.sha256(DATA.resolve("plain.bin.accel")));
    }

    @Test
    void teeToSha256ReportsTheDigestOfTheFileItCopies() {
        final Cli.Outcome run = cli("run", example("tee-sha256.fml"));
        run.assertDone();
        assertTrue(run.out().contains("file-source -> tee -> file-sink"), run::toString);
        assertEquals(DemoCommand.sha256(PLAIN), sha256Of(run.out()));
        assertEquals(DemoCommand.sha256(PLAIN), DemoCommand.sha256(DATA.resolve("plain.bin.copy")));
        sha256sum(PLAIN).ifPresent(digest -> assertEquals(digest, sha256Of(run.out()), "the digest sha256sum prints"));
    }

    @Test
    void headerRecordsStayWithinThePathMtuAndAreReframedWhenItDrops() throws IOException {
        final Path receipt = DATA.resolve("plain.bin.mtu-records.receipt.json");
        final Cli.Outcome run = cli("run", example("header-records-mtu.fml"), "--receipt", receipt.toString());
        run.assertDone();
        assertTrue(Files.readString(receipt).contains("re-frame from chunk 40"), () -> receipt.toString());
        // Read back with a plain DataInputStream: every record within 1500 bytes, the last ones within 576.
        final java.io.ByteArrayOutputStream payloads = new java.io.ByteArrayOutputStream();
        final List<Integer> lengths = new ArrayList<>();
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
            Files.newInputStream(DATA.resolve("plain.bin.mtu-records"))))) {
            for (long seq = 0; in.available() > 0; seq++) {
                final int length = in.readInt();
                assertEquals(seq, in.readLong());
                final long crc = in.readInt() & 0xffffffffL;
                final byte[] payload = in.readNBytes(length);
                final java.util.zip.CRC32C reference = new java.util.zip.CRC32C();
                reference.update(payload);
                assertEquals(reference.getValue(), crc, "record " + seq);
                payloads.write(payload);
                lengths.add(16 + length);
            }
        }
        assertTrue(lengths.stream().allMatch(length -> length <= 1500));
        assertTrue(lengths.subList(lengths.size() - 100, lengths.size()).stream().allMatch(length -> length <= 576));
        assertEquals(1500, lengths.get(0));
        assertArrayEquals(Files.readAllBytes(PLAIN), payloads.toByteArray());
    }

    /** What the coreutils tool says, or empty (with a note) when it is not installed. */
    private static java.util.Optional<String> sha256sum(Path file) {
        try {
            final Process process = new ProcessBuilder("sha256sum", file.toString()).redirectErrorStream(true).start();
            final String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor(), out);
            return java.util.Optional.of(out.substring(0, 64));
        } catch (IOException e) {
            System.err.println("sha256sum is not installed; the digest is checked against the JDK's alone: " + e);
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void fullLadderIsInThePlanAndTheFlowRuns() {
        final Cli.Outcome explain = cli("explain", example("full-ladder.fml"));
        explain.assertDone();
        assertTrue(explain.out().contains("cipher: retry 3 backoff 10ms -> redirect instance -> redirect kind"
            + " aes-gcm-encrypt -> notify -> fallback software -> terminate"), explain::toString);
        assertTrue(explain.out().contains("peer-reset: notify -> terminate"), explain::toString);
        final Cli.Outcome dot = cli("explain", "--dot", example("full-ladder.fml"));
        dot.assertDone();
        assertTrue(dot.out().contains("on failure: retry 3 backoff 10ms"), dot::toString);

        final Path receipt = DATA.resolve("plain.bin.ladder.receipt.json");
        final Cli.Outcome run = cli("run", example("full-ladder.fml"), "--key", "k1=" + KEY, "--receipt",
            receipt.toString());
        run.assertDone();
        assertTrue(run.out().matches("(?s).*2:aes-gcm-encrypt step 2: redirect to instance 1 \\(aes-gcm-encrypt#\\d+\\)"
            + " \\(CRASHED at chunk 40\\).*"), run::toString);
        assertTrue(run.out().contains("3:sha256 step 4: fall back to the software path (TRANSIENT at chunk 20)"),
            run::toString);
        final String json;
        try {
            json = Files.readString(receipt);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertTrue(json.contains("\"action\":\"retry 3/3 on instance 0\""), json);
        assertTrue(json.contains("\"stage\":\"2:aes-gcm-encrypt\",\"path\":\"instance 1\""), json);
        assertTrue(json.contains("\"stage\":\"3:sha256\",\"path\":\"software\""), json);
        // Undo the encryption with the option form of run: the ciphertext must decrypt to the input.
        final Path back = DATA.resolve("plain.bin.ladder.dec");
        final Cli.Outcome decrypt = cli("run", "--from", "file-source:path=" + DATA.resolve("plain.bin.ladder.enc"),
            "--via", "aes-gcm-decrypt:key=k1", "--via", "sha256", "--to", "file-sink:path=" + back, "--key", "k1=" + KEY);
        decrypt.assertDone();
        assertEquals(DemoCommand.sha256(PLAIN), sha256Of(decrypt.out()));
        assertEquals(DemoCommand.sha256(PLAIN), DemoCommand.sha256(back));
    }

    private static byte[] random(int size, long seed) {
        final byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256Of(String out) {
        final Matcher matcher = SHA256.matcher(out);
        assertTrue(matcher.find(), () -> "no sha256 result in:\n" + out);
        return matcher.group(1);
    }
}
