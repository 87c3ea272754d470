package io.flowswitch.devices.digest;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.InPlaceTransform;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.PassRange;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A SHA-256 tap (kind {@code sha256}): every input chunk leaves unchanged as output, header and payload
 * alike, and its payload is folded into one SHA-256 over the whole stream. After end of input the digest
 * is in {@link #results()} as {@code sha256 -> lowercase hex} and in {@link #digestBytes()}.
 *
 * <p>A chunk marked with a pass-through range ({@link PassRange}, FML {@code pass A..B}) leaves
 * unchanged too, and the range is not digested: e.g. the record headers a framer put in front of each
 * chunk stay out of the value.
 *
 * <p>Ownership: the tap owns an input chunk from {@code accept} until {@code poll} hands the same chunk
 * out; it never keeps a reference to a chunk it handed out. Allocation: none per chunk
 * ({@code MessageDigest.update} on a heap array copies nothing); the 32-byte result and its hex text are
 * allocated once, at end of input. Not thread-safe: one stage thread drives it.
 */
public final class Sha256Tap extends InPlaceTransform {
    private final String stage;
    private final MessageDigest digest;
    private long bytesDigested;
    private byte[] result;
    private String resultHex;

    Sha256Tap(String stage) {
        this.stage = stage;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256; a JVM without it is broken, not the flow.
            throw new DeviceException("UNAVAILABLE", stage + ": this JVM offers no SHA-256: " + e.getMessage(), e);
        }
    }

    @Override
    protected void process(Chunk chunk) {
        // A pass-through range is left out: the tap digests only what the flow asked it to process.
        final int at = chunk.payloadOffset();
        final int start = PassRange.start(chunk);
        final int end = PassRange.end(chunk);
        digest.update(chunk.array(), at, start);
        digest.update(chunk.array(), at + end, chunk.payloadLength() - end);
        bytesDigested += chunk.payloadLength() - (end - start);
    }

    @Override
    protected void onEnd() {
        result = digest.digest();
        resultHex = HexFormat.of().formatHex(result);
    }

    /** Payload bytes digested so far. */
    public long bytesDigested() {
        return bytesDigested;
    }

    /**
     * The 32-byte SHA-256 of the whole stream; a fresh copy the caller owns.
     *
     * @throws IllegalStateException before end of input, when there is no digest yet
     */
    public byte[] digestBytes() {
        if (result == null) {
            throw new IllegalStateException(stage + ": the SHA-256 is known only after end of input");
        }
        return result.clone();
    }

    /** {@code sha256 -> lowercase hex} after end of input; empty before (a partial digest would mislead). */
    @Override
    public Map<String, String> results() {
        return resultHex == null ? Map.of() : Map.of(Sha256Kind.RESULT_KEY, resultHex);
    }
}
