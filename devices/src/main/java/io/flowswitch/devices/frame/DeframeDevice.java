package io.flowswitch.devices.frame;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A deframer (kind {@code deframe}): reads records (header, then payload) out of a byte stream whose
 * chunk boundaries need not match the records', checks each header against what it received, and hands
 * out one chunk per record holding its payload, numbered 0, 1, ... with byte offsets of the payload
 * stream.
 *
 * <p>Checks: every field is computed again from the record as received (its number, its payload's offset
 * in the stream, its length, its payload's CRC-32C, constants) and must equal the field on the wire.
 * Fields that read {@code flow-id} are not checked: the sender's flow id is not the receiver's. A record
 * longer than a chunk, a field that differs, or a stream that ends inside a record fails the flow with an
 * error that names the record and its stream offset.
 *
 * <p>Ownership: the deframer owns an input chunk from {@code accept} until it has taken every byte of it,
 * then releases it; it owns an output chunk from the pool until {@code poll} hands it out. The header of
 * the record being read is gathered in an array of its own (a header may straddle two chunks). No
 * allocation per chunk. Not thread-safe: one stage thread drives it.
 */
public final class DeframeDevice implements TransformDevice {
    private final String stage;
    private final HeaderProgram program;
    private final long flowId;
    private final RecordValues expected;
    private final byte[] head;
    private final CRC32C crc = new CRC32C();
    private Chunk input;
    private int inputPosition;
    private int headFilled;
    private long recordLength = -1;
    private Chunk out;
    private int outFilled;
    private long streamOffset;
    private boolean ended;
    private boolean finished;

    DeframeDevice(String stage, HeaderProgram program, long flowId) {
        this.stage = stage;
        this.program = program;
        this.flowId = flowId;
        this.expected = new RecordValues(program.fieldCount());
        this.head = new byte[program.headerBytes()];
    }

    @Override
    public boolean needsInput() {
        return input == null && !ended;
    }

    /** Takes ownership of {@code chunk} until its last byte is read. */
    @Override
    public void accept(Chunk chunk) {
        if (input != null) {
            chunk.release();
            throw new IllegalStateException("accept() while an input chunk is pending");
        }
        input = chunk;
        inputPosition = chunk.payloadOffset();
    }

    @Override
    public void endOfInput() {
        ended = true;
    }

    /** The next record's payload, owned by the caller; {@code null} when more input or a free chunk is needed. */
    @Override
    public Chunk poll(ChunkPool pool) {
        while (!finished) {
            if (input == null) {
                if (!ended) {
                    return null;
                }
                if (headFilled > 0 || out != null) {
                    throw failure("TRUNCATED", "the stream ended inside the record: got " + headFilled + " of "
                        + head.length + " header bytes" + (recordLength < 0 ? "" : " and " + outFilled + " of "
                        + recordLength + " payload bytes"));
                }
                finished = true;
                return null;
            }
            if (headFilled < head.length) {
                final int n = Math.min(head.length - headFilled, input.payloadEnd() - inputPosition);
                System.arraycopy(input.array(), inputPosition, head, headFilled, n);
                headFilled += n;
                inputPosition += n;
                if (headFilled == head.length) {
                    recordLength = program.read(program.lengthField(), head, 0);
                    if (recordLength > pool.payloadCapacity()) {
                        throw failure("BAD_LENGTH", "the header says " + recordLength + " payload bytes, more than"
                            + " a chunk of " + pool.payloadCapacity() + " holds (a corrupt header, or a sender with"
                            + " larger chunks: use a chunk size at least as large as the sender's)");
                    }
                }
            }
            if (headFilled == head.length) {
                if (out == null) {
                    out = pool.acquire();
                    if (out == null) {
                        return null;
                    }
                    out.reset();
                    outFilled = 0;
                }
                final int n = (int) Math.min(recordLength - outFilled, input.payloadEnd() - inputPosition);
                System.arraycopy(input.array(), inputPosition, out.array(), Chunk.HEADROOM + outFilled, n);
                outFilled += n;
                inputPosition += n;
            }
            if (inputPosition == input.payloadEnd()) {
                input.release();
                input = null;
            }
            if (headFilled == head.length && outFilled == recordLength) {
                return record();
            }
        }
        return null;
    }

    /** Checks the record just read and hands its chunk out. */
    private Chunk record() {
        final Chunk record = out;
        out = null;
        record.payload(Chunk.HEADROOM, (int) recordLength);
        try {
            check(record);
        } catch (DeviceException e) {
            record.release();
            throw e;
        }
        record.header().flowId(flowId).sequence(expected.sequence).byteOffset(streamOffset)
            .flags(expected.sequence == 0 ? ChunkFlags.FIRST : 0);
        expected.sequence++;
        streamOffset += recordLength;
        expected.offset = streamOffset;
        headFilled = 0;
        recordLength = -1;
        return record;
    }

    private void check(Chunk record) {
        expected.length = recordLength;
        expected.flowId = 0;
        if (program.readsCrc()) {
            crc.reset();
            crc.update(record.array(), record.payloadOffset(), record.payloadLength());
            expected.crc32c = crc.getValue();
        }
        program.evaluate(expected);
        for (int i = 0; i < program.fieldCount(); i++) {
            final HeaderProgram.Field field = program.fields().get(i);
            final long onWire = program.read(i, head, 0);
            if (!field.readsFlowId() && onWire != expected.fields[i]) {
                throw failure(field.isLength() ? "BAD_LENGTH" : field.readsCrc() ? "BAD_CRC" : "BAD_HEADER", "field '" + field.name() + "' is " + Long.toUnsignedString(onWire)
                    + " on the wire, but the record as received gives " + Long.toUnsignedString(expected.fields[i]));
            }
        }
    }

    private DeviceException failure(String code, String problem) {
        return new DeviceException(code, stage + ": record " + expected.sequence + " at stream offset "
            + streamOffset + " (byte " + (streamOffset + expected.sequence * head.length) + " of the framed stream): "
            + problem);
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    /** {@code records}: how many records were checked and handed out. */
    @Override
    public Map<String, String> results() {
        return Map.of("records", Long.toString(expected.sequence));
    }

    @Override
    public void close() {
        if (input != null) {
            input.release();
            input = null;
        }
        if (out != null) {
            out.release();
            out = null;
        }
    }
}
