package io.flowswitch.cli.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A scratch directory for an experiment's input and output files, removed on {@link #close()}; and the
 * helpers that fill and check them (random or text-like bytes, SHA-256 of a file or stream).
 */
public final class Scratch implements AutoCloseable {
    private static final int BLOCK_BYTES = 1 << 20;
    private static final String[] WORDS = {"flow", "device", "chunk", "switch", "lease", "replica", "signal",
        "the", "a", "of", "and", "to", "data", "plane", "kernel", "card", "crypto", "gzip", "rate", "fair"};

    private final Path directory;

    public Scratch(Path parent, String prefix) throws IOException {
        this.directory = Files.createTempDirectory(parent, prefix);
    }

    public Path directory() {
        return directory;
    }

    public Path file(String name) {
        return directory.resolve(name);
    }

    /** Writes {@code sizeBytes} of incompressible bytes to a new file. */
    public Path random(String name, long sizeBytes, long seed) throws IOException {
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] block = new byte[BLOCK_BYTES];
        return fill(name, sizeBytes, () -> random.nextBytes(block), block);
    }

    /** Writes {@code sizeBytes} of text-like bytes (random words): gzip makes it about three times smaller. */
    public Path text(String name, long sizeBytes, long seed) throws IOException {
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] block = new byte[BLOCK_BYTES];
        return fill(name, sizeBytes, () -> {
            int at = 0;
            while (at < block.length) {
                final String word = WORDS[random.nextInt(WORDS.length)];
                for (int i = 0; i < word.length() && at < block.length; i++) {
                    block[at++] = (byte) word.charAt(i);
                }
                if (at < block.length) {
                    block[at++] = (byte) (random.nextInt(12) == 0 ? '\n' : ' ');
                }
            }
        }, block);
    }

    private Path fill(String name, long sizeBytes, Runnable nextBlock, byte[] block) throws IOException {
        final Path file = file(name);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long remaining = sizeBytes;
            while (remaining > 0) {
                nextBlock.run();
                final ByteBuffer buffer = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, remaining));
                while (buffer.hasRemaining()) {
                    remaining -= channel.write(buffer);
                }
            }
        }
        return file;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    public static String sha256(InputStream in) throws IOException {
        final MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        final byte[] block = new byte[BLOCK_BYTES];
        for (int n = in.read(block); n >= 0; n = in.read(block)) {
            digest.update(block, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public void close() {
        // Best effort: the directory lies under --work, which the user chose.
        deleteQuietly(directory);
    }

    /**
     * Deletes {@code directory} and all below it, as far as it can; a path it cannot delete stays, and
     * nothing is thrown. Nothing happens when the directory does not exist.
     */
    public static void deleteQuietly(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // The caller said where the directory is, so its user can remove what is left.
        }
    }
}
