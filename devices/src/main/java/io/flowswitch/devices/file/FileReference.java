package io.flowswitch.devices.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The software reference of the file devices: the same results by the plainest means the JDK offers
 * ({@link Files} and streams), against which the devices are tested and which the software path of a
 * flow may use. Also SHA-256 helpers for comparing outputs. Stateless; owns no buffers beyond each call.
 */
public final class FileReference {
    private static final int BUFFER_BYTES = 64 * 1024;

    private FileReference() {
    }

    /** Copies {@code source} to {@code target}, replacing it. @return bytes copied */
    public static long copy(Path source, Path target) throws IOException {
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        return Files.size(target);
    }

    /** Copies all of {@code in} to {@code out}; closes neither. @return bytes copied */
    public static long copy(InputStream in, OutputStream out) throws IOException {
        return in.transferTo(out);
    }

    /** Hex SHA-256 of a file's bytes. */
    public static String sha256Hex(Path path) throws IOException {
        final MessageDigest digest = sha256();
        final byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(path)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** Hex SHA-256 of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static String sha256Hex(byte[] bytes, int offset, int length) {
        final MessageDigest digest = sha256();
        digest.update(bytes, offset, length);
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Reads a whole file, wrapping failures so callers in lambdas need not. */
    public static byte[] readAll(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every JDK must provide SHA-256 (Java SE's list of required algorithms).
            throw new IllegalStateException(e);
        }
    }
}
