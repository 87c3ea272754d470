package io.flowswitch.devices.digest;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * Software path of the digest taps: the same values from a plain {@link InputStream}, for the ladder's
 * software step, the small-request bypass and tests.
 *
 * <p>Reads the stream to its end and does not close it (the caller owns it). Allocates one 64 KiB buffer
 * per call. Thread-safe: no shared state.
 */
public final class DigestReference {
    private static final int BUFFER_BYTES = 64 * 1024;

    private DigestReference() {
    }

    /** SHA-256 of everything {@code in} yields, as lowercase hex (the text {@code sha256sum} prints). */
    public static String sha256Hex(InputStream in) throws IOException {
        final MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM offers no SHA-256, which every Java SE platform must", e);
        }
        final byte[] buffer = new byte[BUFFER_BYTES];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** CRC-32C of everything {@code in} yields, as 8 lowercase hex digits. */
    public static String crc32cHex(InputStream in) throws IOException {
        final CRC32C crc = new CRC32C();
        final byte[] buffer = new byte[BUFFER_BYTES];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            crc.update(buffer, 0, n);
        }
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
