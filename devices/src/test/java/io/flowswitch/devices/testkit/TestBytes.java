package io.flowswitch.devices.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Test data that is the same on every run, and its SHA-256 for comparing large outputs. */
public final class TestBytes {
    private TestBytes() {
    }

    /** {@code size} bytes that deflate cannot shrink, the same for the same seed. */
    public static byte[] random(int size, long seed) {
        final byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /** {@code size} bytes of log-like text that deflate shrinks several times over, with some variety. */
    public static byte[] compressible(int size) {
        final byte[] bytes = new byte[size];
        final SplittableRandom random = new SplittableRandom(size);
        final String[] words = {"flow", "chunk", "device", "switch", "pool", "ladder", "receipt", "credit"};
        int position = 0;
        long line = 0;
        while (position < size) {
            final String text = "line " + line++ + ": " + words[random.nextInt(words.length)] + " moved "
                + random.nextInt(100_000) + " bytes to " + words[random.nextInt(words.length)] + "\n";
            final byte[] lineBytes = text.getBytes(StandardCharsets.US_ASCII);
            final int length = Math.min(lineBytes.length, size - position);
            System.arraycopy(lineBytes, 0, bytes, position, length);
            position += length;
        }
        return bytes;
    }

    /** Lowercase hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The concatenation of {@code parts}. */
    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        final byte[] all = new byte[length];
        int position = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, position, part.length);
            position += part.length;
        }
        return all;
    }
}
