package io.flowswitch.devices.digest;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.InPlaceTransform;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.PassRange;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A CRC-32C tap (kind {@code crc32c}): every input chunk leaves unchanged as output, header and payload
 * alike, and its payload is folded into one CRC-32C over the whole stream. After end of input the value
 * is in {@link #results()} as {@code crc32c -> 8 lowercase hex digits} and in {@link #checksum()}; when
 * an expected value was given and differs, end of input throws {@code CHECKSUM_MISMATCH}.
 *
 * <p>A chunk marked with a pass-through range ({@link PassRange}, FML {@code pass A..B}) leaves
 * unchanged too, and the range is not checked: e.g. the record headers a framer put in front of each
 * chunk stay out of the value.
 *
 * <p>Ownership: the tap owns an input chunk from {@code accept} until {@code poll} hands the same chunk
 * out; it never keeps a reference to a chunk it handed out. Allocation: none per chunk
 * ({@code CRC32C.update} on a heap array is an intrinsic); the hex text is made once at end of input.
 * Not thread-safe: one stage thread drives it.
 */
public final class Crc32cTap extends InPlaceTransform {
    private final String stage;
    private final String expectedHex;
    private final CRC32C crc = new CRC32C();
    private long bytesChecked;
    private boolean done;
    private String resultHex;

    /** {@code expectedHex} is 8 lowercase hex digits, or {@code null} for no check. */
    Crc32cTap(String stage, String expectedHex) {
        this.stage = stage;
        this.expectedHex = expectedHex;
    }

    @Override
    protected void process(Chunk chunk) {
        // A pass-through range is left out: the tap checks only what the flow asked it to process.
        final int at = chunk.payloadOffset();
        final int start = PassRange.start(chunk);
        final int end = PassRange.end(chunk);
        crc.update(chunk.array(), at, start);
        crc.update(chunk.array(), at + end, chunk.payloadLength() - end);
        bytesChecked += chunk.payloadLength() - (end - start);
    }

    @Override
    protected void onEnd() {
        done = true;
        resultHex = HexFormat.of().toHexDigits(checksum());
        // The value is reported even on a mismatch: the receipt should say what the data actually had.
        if (expectedHex != null && !expectedHex.equals(resultHex)) {
            throw new DeviceException("CHECKSUM_MISMATCH", stage + ": CRC-32C mismatch at end of input (byte "
                + bytesChecked + "): expected " + expectedHex + ", actual " + resultHex);
        }
    }

    /** Payload bytes checked so far. */
    public long bytesChecked() {
        return bytesChecked;
    }

    /**
     * The CRC-32C of the whole stream, as the 32 bits {@link CRC32C#getValue()} holds.
     *
     * @throws IllegalStateException before end of input
     */
    public int checksum() {
        if (!done) {
            throw new IllegalStateException(stage + ": the CRC-32C is known only after end of input");
        }
        return (int) crc.getValue();
    }

    /** {@code crc32c -> 8 lowercase hex digits} after end of input; empty before. */
    @Override
    public Map<String, String> results() {
        return resultHex == null ? Map.of() : Map.of(Crc32cKind.RESULT_KEY, resultHex);
    }
}
