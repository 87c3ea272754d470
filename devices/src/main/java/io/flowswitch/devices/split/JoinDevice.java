package io.flowswitch.devices.split;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.InPlaceTransform;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkHeader;

/**
 * A join (kind {@code join}): puts the header part its split kept for each chunk's sequence number back
 * into the headroom, right in front of the chunk's payload as the stages between made it, and clears
 * {@link ChunkFlags#DATA_PART}. The header was built before those stages, from the data as it was then
 * (the paper's scatter-gather: header and data prepared apart, joined at the last step).
 *
 * <p>The stages between split and join must give one chunk per chunk with its sequence number (a cipher,
 * a rate limiter, a tap): a chunk that comes without a header part, or a header part whose chunk never
 * comes, fails the flow with a message that says which chunk.
 *
 * <p>Ownership: owns each chunk from {@code accept} to {@code poll}, which hands out the same chunk. No
 * allocation per chunk. Not thread-safe: one stage thread drives it.
 */
public final class JoinDevice extends InPlaceTransform {
    private final String stage;
    private final HeaderParts parts;

    JoinDevice(String stage, HeaderParts parts) {
        this.stage = stage;
        this.parts = parts;
    }

    @Override
    protected void process(Chunk chunk) {
        final long sequence = chunk.header().sequence();
        final int headerBytes = parts.partBytes();
        final int at = chunk.payloadOffset() - headerBytes;
        if (at < ChunkHeader.LENGTH) {
            throw new DeviceException("NO_ROOM", stage + ": chunk " + sequence + " has " + (chunk.payloadOffset()
                - ChunkHeader.LENGTH) + " bytes of headroom left, too few for its " + headerBytes + "-byte header"
                + " part; narrow the header program's fields");
        }
        if (!parts.take(sequence, chunk.array(), at)) {
            throw new DeviceException("BAD_INPUT", stage + ": chunk " + sequence + " came out of the stages between"
                + " split and join without a header part: only devices that give one chunk per chunk, with its"
                + " sequence number, can sit between split and join");
        }
        chunk.payload(at, chunk.payloadLength() + headerBytes);
        chunk.header().flags(chunk.header().flags() & ~ChunkFlags.DATA_PART);
    }

    @Override
    protected void onEnd() {
        final long kept = parts.anyKept();
        if (kept >= 0) {
            throw new DeviceException("BAD_INPUT", stage + ": the header part of chunk " + kept + " was split off"
                + " but its chunk never reached the join: a stage between split and join dropped or merged chunks");
        }
    }
}
