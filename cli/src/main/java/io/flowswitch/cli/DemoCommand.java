package io.flowswitch.cli;

import io.flowswitch.cli.experiment.Scratch;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowswitch demo}: the newcomer's first command. Encrypts a file of random bytes with AES-256-GCM
 * through a node, decrypts it again through a SHA-256 tap, and checks that the digests of the original,
 * the tap and the decrypted file agree. Deletes everything it wrote.
 */
@Command(name = "demo",
    header = "Encrypt and decrypt random bytes through a node, then check the digests.",
    mixinStandardHelpOptions = true,
    versionProvider = FlowswitchCommand.Version.class,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "Shows a node at work, with nothing to set up: makes a file of random bytes and a random 256-bit key in"
            + " a new temporary directory, then runs two flows:",
        "  encrypt  file -> aes-gcm-encrypt x2 -> file   (two lanes, see --replicas)",
        "  decrypt  file -> aes-gcm-decrypt -> sha256 -> file",
        "and prints bytes, elapsed time and rate for each. Finally it compares the SHA-256 of the original file"
            + " with the sha256 tap's result and with the decrypted file's digest, and prints 'digests match: <hex>'"
            + " or fails with exit code 1. The directory and everything in it are deleted at the end."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.DONE_LINE, ExitCodes.FLOW_FAILED_LINE, ExitCodes.USAGE_LINE, ExitCodes.REJECTED_LINE},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch demo",
        "  flowswitch demo --size 1GiB --chunk 256KiB",
        "  flowswitch demo --size 64MiB --transport aeron --dir /dev/shm"})
final class DemoCommand implements Callable<Integer> {
    static final String KEY_NAME = "demo";
    private static final int MAX_REPLICAS = 64;
    private static final int IO_BUFFER_BYTES = 1024 * 1024;
    /** The plain file, its ciphertext and the decrypted copy exist at once, plus a little for tags. */
    private static final int FILES_AT_ONCE = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "256MiB", converter = SizeParser.Converter.class,
        description = "How many random bytes to encrypt, e.g. 4096, 64MiB, 1GiB. Default: ${DEFAULT-VALUE}.")
    long sizeBytes;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Where to make the temporary directory. Default: the system temporary directory.")
    Path dir;

    @Option(names = "--chunk", paramLabel = "SIZE", defaultValue = "64KiB", converter = SizeParser.Converter.class,
        description = "Payload bytes per chunk, 1KiB to 1MiB. Default: ${DEFAULT-VALUE}.")
    long chunkBytes;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "2",
        description = "Instances of the cipher for encryption; the flow then runs as N parallel lanes, each reading,"
            + " encrypting and writing its own chunks. 1 runs it as a pipeline of three stages. Default: ${DEFAULT-VALUE}.")
    int replicas;

    @Option(names = "--transport", paramLabel = "fused|aeron", defaultValue = "fused",
        converter = TransportConverter.class, description = TransportConverter.HELP)
    Transport transport;

    @Option(names = "--progress", negatable = true,
        description = "Show (or, with --no-progress, hide) a progress bar for flows that take more than a second."
            + " Default: shown only on a terminal.")
    Boolean progress;

    private final FlowswitchCommand root;

    DemoCommand(FlowswitchCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws IOException {
        if (sizeBytes < 1) {
            throw CliException.usage("--size must be at least 1 byte");
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw CliException.usage("--replicas must be between 1 and " + MAX_REPLICAS + ", got " + replicas);
        }
        RunCommand.checkChunkBytes(chunkBytes);
        final Path base = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
        if (!Files.isDirectory(base)) {
            throw CliException.usage("--dir '" + base + "' is not a directory");
        }
        checkSpace(base);
        final Path work = Files.createTempDirectory(base, "flowswitch-demo-");
        final Thread cleanup = new Thread(() -> Scratch.deleteQuietly(work), "flowswitch-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return demo(work);
        } finally {
            Scratch.deleteQuietly(work);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway.
            }
        }
    }

    private int demo(Path work) {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Path plain = work.resolve("plain.bin");
        final Path cipher = work.resolve("cipher.bin");
        final Path decrypted = work.resolve("decrypted.bin");
        out.printf(Locale.ROOT, "flowswitch demo: %s of random bytes, %s chunks, %s edges, in %s%n",
            Units.bytes(sizeBytes), SizeParser.format(chunkBytes), TransportConverter.name(transport), work);
        out.flush();
        writeRandom(plain, sizeBytes);
        final String original = sha256(plain);

        final byte[] key = new byte[KeyArg.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        final FlowSpec encrypt;
        final FlowSpec decrypt;
        try {
            encrypt = settings(Flows.from(Devices.file(plain)).via(Devices.aesGcmEncrypt(KEY_NAME), replicas)
                .to(Devices.fileSink(cipher)).name("demo-encrypt"), key);
            decrypt = settings(Flows.from(Devices.file(cipher)).via(Devices.aesGcmDecrypt(KEY_NAME))
                .via(Devices.sha256()).to(Devices.fileSink(decrypted)).name("demo-decrypt"), key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }

        final boolean showProgress = ProgressBar.wanted(progress);
        final FlowSwitch node = root.acquireNode();
        final FlowResult tapped;
        try {
            final int width = Math.max(encrypt.chain().length(), decrypt.chain().length());
            final FlowResult encrypted = FlowRunner.run(node, encrypt, showProgress, err).result();
            report(out, "encrypt", encrypt.chain(), width, encrypted.bytesIn(), encrypted.elapsedNs());
            tapped = FlowRunner.run(node, decrypt, showProgress, err).result();
            report(out, "decrypt", decrypt.chain(), width, tapped.bytesOut(), tapped.elapsedNs());
        } finally {
            root.releaseNode(node);
        }

        final String tap = tapped.result("sha256");
        final String copy = sha256(decrypted);
        if (tap == null) {
            throw new CliException(ExitCodes.FLOW_FAILED, "the sha256 stage reported no digest");
        }
        if (!original.equalsIgnoreCase(tap) || !original.equals(copy)) {
            throw new CliException(ExitCodes.FLOW_FAILED, "digests differ: original " + original + ", sha256 tap "
                + tap.toLowerCase(Locale.ROOT) + ", decrypted file " + copy);
        }
        out.println("digests match: " + original);
        out.flush();
        return ExitCodes.DONE;
    }

    private FlowSpec settings(Flows.Builder flow, byte[] key) {
        return flow.chunkBytes((int) chunkBytes).transport(transport).key(KEY_NAME, key).build();
    }

    /** One line per flow; {@code plainBytes} is the plaintext it moved, so both flows show the same size. */
    private static void report(PrintWriter out, String label, String chain, int width, long plainBytes,
        long elapsedNs) {
        out.printf(Locale.ROOT, "  %-8s %-" + width + "s  %10s  %s  %s%n", label, chain, Units.bytes(plainBytes),
            Units.seconds(elapsedNs), Units.rate(Units.perSecond(plainBytes, elapsedNs)));
        out.flush();
    }

    private void checkSpace(Path base) throws IOException {
        final long usable = Files.getFileStore(base).getUsableSpace();
        final long needed = FILES_AT_ONCE * sizeBytes + sizeBytes / 64 + IO_BUFFER_BYTES;
        if (needed > usable || needed < 0) {
            throw CliException.usage("the demo needs about " + Units.bytes(needed) + " in " + base + " but only "
                + Units.bytes(usable) + " are free: use a smaller --size or another --dir");
        }
    }

    /** Random bytes from a fast generator seeded from the OS: the content only has to be incompressible. */
    static void writeRandom(Path file, long sizeBytes) {
        final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
        final byte[] block = new byte[IO_BUFFER_BYTES];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long remaining = sizeBytes;
            while (remaining > 0) {
                final int length = (int) Math.min(block.length, remaining);
                random.nextBytes(block);
                final ByteBuffer buffer = ByteBuffer.wrap(block, 0, length);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                remaining -= length;
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.FLOW_FAILED, "cannot write the demo's input " + file + ": " + e, e);
        }
    }

    /** The plain JDK digest of a whole file, as the reference the flows are checked against. */
    static String sha256(Path file) {
        final MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        final byte[] block = new byte[IO_BUFFER_BYTES];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final ByteBuffer buffer = ByteBuffer.wrap(block);
            while (channel.read(buffer.clear()) >= 0) {
                digest.update(block, 0, buffer.position());
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.FLOW_FAILED, "cannot read " + file + ": " + e, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
