package io.flowswitch.devices.digest;

import io.flowswitch.devices.InPlaceTransform;
import io.flowswitch.devices.chunk.Chunk;
import java.io.ByteArrayOutputStream;
import java.util.Map;

/**
 * The software path of the digest taps: the stream's bytes are passed on unchanged and copied into
 * {@link DigestReference}'s plain stream computation, whose result is reported under the tap's key. Keeps
 * the whole stream in memory: the ladder's last resort for short flows, not a data path. One thread at a
 * time; owns an input chunk until it is handed out.
 */
public final class SoftwareTap extends InPlaceTransform {
    private final String kind;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Map<String, String> results = Map.of();

    /** @param kind {@code sha256} or {@code crc32c} */
    public SoftwareTap(String kind) {
        if (!kind.equals(Sha256Kind.NAME) && !kind.equals(Crc32cKind.NAME)) {
            throw new IllegalArgumentException("no software tap for '" + kind + "'");
        }
        this.kind = kind;
    }

    @Override
    protected void process(Chunk chunk) {
        bytes.write(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
    }

    @Override
    protected void onEnd() {
        try {
            final java.io.InputStream in = new java.io.ByteArrayInputStream(bytes.toByteArray());
            if (kind.equals(Sha256Kind.NAME)) {
                results = Map.of(Sha256Kind.RESULT_KEY, DigestReference.sha256Hex(in));
            } else {
                results = Map.of(Crc32cKind.RESULT_KEY, DigestReference.crc32cHex(in));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> results() {
        return results;
    }
}
