package io.flowswitch.devices.split;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.InPlaceTransform;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;

/**
 * A split (kind {@code split}): copies the header part of each chunk (its first {@code header-bytes}
 * payload bytes) into the table it shares with its join, under the chunk's sequence number, narrows the
 * payload to the data part and flags the chunk {@link ChunkFlags#DATA_PART}.
 *
 * <p>Ownership: owns each chunk from {@code accept} to {@code poll}, which hands out the same chunk; the
 * header part is copied, so no reference to the chunk stays. No allocation per chunk. Not thread-safe:
 * one stage thread drives it.
 */
public final class SplitDevice extends InPlaceTransform {
    private final String stage;
    private final HeaderParts parts;

    SplitDevice(String stage, HeaderParts parts) {
        this.stage = stage;
        this.parts = parts;
    }

    @Override
    protected void process(Chunk chunk) {
        final long sequence = chunk.header().sequence();
        final int headerBytes = parts.partBytes();
        final int length = chunk.payloadLength();
        if (length < headerBytes) {
            throw new DeviceException("BAD_INPUT", stage + ": chunk " + sequence + " carries " + length
                + " bytes, fewer than its " + headerBytes + "-byte header part: a split needs the header program"
                + " right before it");
        }
        if (!parts.put(sequence, chunk.array(), chunk.payloadOffset())) {
            throw new DeviceException("BAD_INPUT", stage + ": the header part of chunk " + sequence + " has nowhere"
                + " to go: " + HeaderParts.SLOTS + " chunks before it are still between split and join, or one"
                + " came twice");
        }
        chunk.payload(chunk.payloadOffset() + headerBytes, length - headerBytes);
        chunk.header().flags(chunk.header().flags() | ChunkFlags.DATA_PART);
    }
}
