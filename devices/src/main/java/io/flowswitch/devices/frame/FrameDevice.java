package io.flowswitch.devices.frame;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.InPlaceTransform;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkHeader;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A framer (kind {@code frame}): writes the header its {@link HeaderProgram} computes into each chunk's
 * headroom, just in front of the payload, and widens the payload to take it in. The chunk's own header
 * (sequence, byte offset, flags) is left as it was.
 *
 * <p>{@code sequence} and {@code offset} count records and payload bytes the framer has framed, so a
 * deframer on the other side can check them from what it received. A field that is exactly the payload
 * length must hold it: a length cut to its width would frame a stream no one can read, so that fails the
 * flow instead.
 *
 * <p>Ownership: the framer owns each chunk from {@code accept} to {@code poll}, which hands out the same
 * chunk. No allocation per chunk. Not thread-safe: one stage thread drives it.
 */
public final class FrameDevice extends InPlaceTransform {
    private final String stage;
    private final HeaderProgram program;
    private final RecordValues values;
    private final CRC32C crc = new CRC32C();
    private final long lengthMask;

    FrameDevice(String stage, HeaderProgram program) {
        this.stage = stage;
        this.program = program;
        this.values = new RecordValues(program.fieldCount());
        this.lengthMask = program.lengthField() < 0 ? -1L : program.fields().get(program.lengthField()).mask();
    }

    @Override
    protected void process(Chunk chunk) {
        final int length = chunk.payloadLength();
        final int at = chunk.payloadOffset() - program.headerBytes();
        if (at < ChunkHeader.LENGTH) {
            throw new DeviceException("NO_ROOM", stage + ": record " + values.sequence + " at stream offset "
                + values.offset + ": only " + (chunk.payloadOffset() - ChunkHeader.LENGTH) + " bytes of headroom left"
                + " for a " + program.headerBytes() + "-byte header; put the header program before devices that"
                + " prepend their own headers");
        }
        if (Long.compareUnsigned(length, lengthMask) > 0) {
            throw new DeviceException("BAD_LENGTH", stage + ": record " + values.sequence + " at stream offset "
                + values.offset + ": payload length " + length + " does not fit the "
                + 8 * program.fields().get(program.lengthField()).widthBytes() + "-bit field '"
                + program.fields().get(program.lengthField()).name() + "'; widen the field or use smaller chunks");
        }
        values.length = length;
        values.flowId = chunk.header().flowId();
        if (program.readsCrc()) {
            crc.reset();
            crc.update(chunk.array(), chunk.payloadOffset(), length);
            values.crc32c = crc.getValue();
        }
        program.evaluate(values);
        program.write(values, chunk.array(), at);
        chunk.payload(at, length + program.headerBytes());
        values.sequence++;
        values.offset += length;
    }

    /** {@code records}: how many records were framed. */
    @Override
    public Map<String, String> results() {
        return Map.of("records", Long.toString(values.sequence));
    }
}
