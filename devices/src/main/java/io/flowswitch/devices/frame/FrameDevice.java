package io.flowswitch.devices.frame;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkHeader;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A framer (kind {@code frame}): puts the header its {@link HeaderProgram} computes in front of each
 * record's payload. The chunk's own header (sequence, byte offset, flags) is left as it was.
 *
 * <p>{@code sequence} and {@code offset} count records and payload bytes the framer has framed, so a
 * deframer on the other side can check them from what it received. A field that is exactly the payload
 * length must hold it: a length cut to its width would frame a stream no one can read, so that fails the
 * flow instead.
 *
 * <p>MTU: a record, header included, is never longer than {@link #mtuBytes()} (0: no limit). A chunk whose
 * record fits is framed in place, in its headroom, and handed out as it came. A longer one is cut into
 * records of at most the MTU, written back to back into chunks taken from the stage's pool, as many as a
 * chunk holds; its input is released when the last of its bytes is framed. One chunk in gives one chunk
 * out unless its records outgrow a chunk: then each further chunk out takes the next sequence number
 * and every later chunk's number moves up by one, so sequence numbers stay strictly increasing and, for
 * the same input and MTU changes, the same (a re-framed stream de-duplicates by them). {@link #mtuBytes(int)}
 * changes the MTU for the records framed from then on (a path MTU change).
 *
 * <p>Ownership: the framer owns an input chunk from {@code accept} until {@code poll} hands it out (framed
 * in place) or until its last byte is framed (then it releases it); an output chunk from the pool is the
 * caller's once {@code poll} returns it. No allocation per chunk. Not thread-safe: one stage thread drives it.
 */
public final class FrameDevice implements TransformDevice {
    private final String stage;
    private final HeaderProgram program;
    private final RecordValues values;
    private final CRC32C crc = new CRC32C();
    private final long lengthMask;
    private int mtuBytes;
    /** The chunk being framed; null when the framer can take another. */
    private Chunk input;
    /** Whether {@code input} was framed in place and only waits to be handed out. */
    private boolean framedInPlace;
    /** Index in the input's array of its first byte not framed yet. */
    private int inputPosition;
    /** Chunks handed out beyond one per input: what later sequence numbers move up by. */
    private long extraChunks;
    /** Whether the current input has given a chunk out already. */
    private boolean inputStarted;
    private boolean ended;

    FrameDevice(String stage, HeaderProgram program, int mtuBytes) {
        this.stage = stage;
        this.program = program;
        this.values = new RecordValues(program.fieldCount());
        this.lengthMask = program.lengthField() < 0 ? -1L : program.fields().get(program.lengthField()).mask();
        this.mtuBytes = mtuBytes;
    }

    /** The largest record, header included, this framer writes; 0 when there is no limit. */
    public int mtuBytes() {
        return mtuBytes;
    }

    /**
     * Frames every record from the next one on at {@code newMtuBytes} (0: no limit).
     *
     * @throws DeviceException {@code BAD_MTU} when a record of that size could not carry a payload byte
     */
    public void mtuBytes(int newMtuBytes) {
        if (newMtuBytes != 0 && newMtuBytes <= program.headerBytes()) {
            throw new DeviceException("BAD_MTU", stage + ": record " + values.sequence + " at stream offset "
                + values.offset + ": an MTU of " + newMtuBytes + " bytes leaves no room for payload after the "
                + program.headerBytes() + "-byte header");
        }
        this.mtuBytes = newMtuBytes;
    }

    /** Bytes of header each record carries. */
    public int headerBytes() {
        return program.headerBytes();
    }

    @Override
    public boolean needsInput() {
        return input == null && !ended;
    }

    /** Takes ownership of {@code chunk} until it is handed out or its last byte is framed. */
    @Override
    public void accept(Chunk chunk) {
        if (input != null) {
            chunk.release();
            throw new IllegalStateException("accept() while a chunk is pending");
        }
        final int length = chunk.payloadLength();
        if (mtuBytes == 0 || length + program.headerBytes() <= mtuBytes) {
            try {
                frameInPlace(chunk, length);
            } catch (RuntimeException e) {
                chunk.release();
                throw e;
            }
            framedInPlace = true;
        } else {
            framedInPlace = false;
            inputPosition = chunk.payloadOffset();
            inputStarted = false;
        }
        input = chunk;
    }

    private void frameInPlace(Chunk chunk, int length) {
        final int at = chunk.payloadOffset() - program.headerBytes();
        if (at < ChunkHeader.LENGTH) {
            throw new DeviceException("NO_ROOM", stage + ": record " + values.sequence + " at stream offset "
                + values.offset + ": only " + (chunk.payloadOffset() - ChunkHeader.LENGTH) + " bytes of headroom left"
                + " for a " + program.headerBytes() + "-byte header; put the header program before devices that"
                + " prepend their own headers");
        }
        frameRecord(chunk, chunk.payloadOffset(), length, chunk.array(), at);
        chunk.payload(at, length + program.headerBytes());
    }

    /** Computes the header of the record whose payload is {@code length} bytes at {@code from} and writes it at {@code at}. */
    private void frameRecord(Chunk source, int from, int length, byte[] target, int at) {
        if (Long.compareUnsigned(length, lengthMask) > 0) {
            throw new DeviceException("BAD_LENGTH", stage + ": record " + values.sequence + " at stream offset "
                + values.offset + ": payload length " + length + " does not fit the "
                + 8 * program.fields().get(program.lengthField()).widthBytes() + "-bit field '"
                + program.fields().get(program.lengthField()).name() + "'; widen the field or use smaller chunks");
        }
        values.length = length;
        values.flowId = source.header().flowId();
        if (program.readsCrc()) {
            crc.reset();
            crc.update(source.array(), from, length);
            values.crc32c = crc.getValue();
        }
        program.evaluate(values);
        program.write(values, target, at);
        values.sequence++;
        values.offset += length;
    }

    @Override
    public void endOfInput() {
        ended = true;
    }

    /** The next framed chunk, owned by the caller; {@code null} when more input or a free chunk is needed. */
    @Override
    public Chunk poll(ChunkPool pool) {
        if (input == null) {
            return null;
        }
        if (framedInPlace) {
            final Chunk out = input;
            input = null;
            out.header().sequence(out.header().sequence() + extraChunks);
            return out;
        }
        final Chunk out = pool.acquire();
        if (out == null) {
            return null;
        }
        final ChunkHeader in = input.header();
        final long payloadOffset = in.byteOffset() + (inputPosition - input.payloadOffset());
        out.reset();
        int written = 0;
        final int room = out.payloadCapacity();
        final int header = program.headerBytes();
        try {
            while (inputPosition < input.payloadEnd() && room - written > header) {
                final int n = Math.min(Math.min(input.payloadEnd() - inputPosition, mtuBytes - header),
                    room - written - header);
                final int at = Chunk.HEADROOM + written;
                frameRecord(input, inputPosition, n, out.array(), at);
                System.arraycopy(input.array(), inputPosition, out.array(), at + header, n);
                inputPosition += n;
                written += header + n;
            }
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        final boolean last = inputPosition == input.payloadEnd();
        int flags = in.flags() & ~(ChunkFlags.FIRST | ChunkFlags.LAST);
        if (!inputStarted) {
            flags |= in.flags() & ChunkFlags.FIRST;
        }
        if (last) {
            flags |= in.flags() & ChunkFlags.LAST;
        }
        out.header().flowId(in.flowId()).sequence(in.sequence() + extraChunks).byteOffset(payloadOffset).flags(flags);
        out.payload(Chunk.HEADROOM, written);
        if (last) {
            input.release();
            input = null;
        } else {
            extraChunks++;
        }
        inputStarted = true;
        return out;
    }

    @Override
    public boolean isFinished() {
        return ended && input == null;
    }

    /** {@code records}: how many records were framed. */
    @Override
    public Map<String, String> results() {
        return Map.of("records", Long.toString(values.sequence));
    }

    @Override
    public void close() {
        if (input != null) {
            input.release();
            input = null;
        }
    }
}
