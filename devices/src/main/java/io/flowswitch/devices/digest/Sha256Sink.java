package io.flowswitch.devices.digest;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A sink (kind {@code sha256-sink}) that folds every payload it is given into one SHA-256 and, after
 * {@link #finish()}, reports it in {@link #results()} as {@code sha256 -> lowercase hex}.
 *
 * <p>Ownership: {@link #write} borrows the chunk for the call and keeps no reference to it. No allocation
 * per chunk. Not thread-safe: one stage thread drives it.
 */
public final class Sha256Sink implements SinkDevice {
    private final MessageDigest digest;
    private long bytesDigested;
    private String resultHex;

    Sha256Sink(String stage) {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new DeviceException("UNAVAILABLE", stage + ": this JVM offers no SHA-256: " + e.getMessage(), e);
        }
    }

    /** Digests the chunk's payload. The caller keeps ownership of {@code chunk}. */
    @Override
    public void write(Chunk chunk) {
        digest.update(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
        bytesDigested += chunk.payloadLength();
    }

    @Override
    public void finish() {
        if (resultHex == null) {
            resultHex = HexFormat.of().formatHex(digest.digest());
        }
    }

    /** Nothing was published, so nothing is to be removed. */
    @Override
    public void abort(Throwable cause) {
    }

    public long bytesDigested() {
        return bytesDigested;
    }

    /** {@code sha256 -> lowercase hex} after {@link #finish()}; empty before (a partial digest would mislead). */
    @Override
    public Map<String, String> results() {
        return resultHex == null ? Map.of() : Map.of(Sha256Kind.RESULT_KEY, resultHex);
    }

    @Override
    public void close() {
    }
}
