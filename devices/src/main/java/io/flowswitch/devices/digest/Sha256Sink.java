package io.flowswitch.devices.digest;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.internal.KeptInstances;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A sink (kind {@code sha256-sink}) that folds every payload it is given into one SHA-256 and, after
 * {@link #finish()}, reports it in {@link #results()} as {@code sha256 -> lowercase hex}.
 *
 * <p>Ownership: {@link #write} borrows the chunk for the call and keeps no reference to it. No allocation
 * per chunk. Its {@link MessageDigest} is a kept one, given back by {@link #finish} for the next sink (a
 * small request, or a small flow, then makes none). Not thread-safe: one stage thread drives it.
 */
public final class Sha256Sink implements SinkDevice {
    private static final int KEPT_DIGESTS = 16;
    private static final KeptInstances<MessageDigest> DIGESTS = new KeptInstances<>(KEPT_DIGESTS, () -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** Null once finished: given back. */
    private MessageDigest digest;
    private long bytesDigested;
    private String resultHex;

    Sha256Sink(String stage) {
        try {
            this.digest = DIGESTS.take();
        } catch (IllegalStateException e) {
            throw new DeviceException("UNAVAILABLE", stage + ": this JVM offers no SHA-256: " + e.getCause(), e);
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
            // digest() resets it: the next sink starts from nothing. Given back on this thread, after its last use.
            resultHex = HexFormat.of().formatHex(digest.digest());
            DIGESTS.give(digest);
            digest = null;
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
