package io.flowswitch.devices.digest;

import io.flowswitch.devices.InPlaceTransform;
import io.flowswitch.devices.chunk.Chunk;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The software path of the digest taps: the stream's bytes are passed on unchanged and folded into the
 * JDK's {@link MessageDigest} or {@link CRC32C}, as {@link DigestReference} does over a stream; the result
 * is reported under the tap's key. Owns an input chunk until it is handed out. One thread at a time.
 */
public final class SoftwareTap extends InPlaceTransform {
    private final String kind;
    private final MessageDigest sha256;
    private final CRC32C crc32c;
    private Map<String, String> results = Map.of();

    /** @param kind {@code sha256} or {@code crc32c} */
    public SoftwareTap(String kind) {
        if (!kind.equals(Sha256Kind.NAME) && !kind.equals(Crc32cKind.NAME)) {
            throw new IllegalArgumentException("no software tap for '" + kind + "'");
        }
        this.kind = kind;
        try {
            this.sha256 = kind.equals(Sha256Kind.NAME) ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        this.crc32c = kind.equals(Crc32cKind.NAME) ? new CRC32C() : null;
    }

    @Override
    protected void process(Chunk chunk) {
        if (sha256 != null) {
            sha256.update(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
        } else {
            crc32c.update(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
        }
    }

    @Override
    protected void onEnd() {
        results = sha256 != null ? Map.of(Sha256Kind.RESULT_KEY, HexFormat.of().formatHex(sha256.digest()))
            : Map.of(Crc32cKind.RESULT_KEY, HexFormat.of().toHexDigits((int) crc32c.getValue()));
    }

    @Override
    public Map<String, String> results() {
        return results;
    }

    @Override
    public String toString() {
        return "SoftwareTap(" + kind + ")";
    }
}
