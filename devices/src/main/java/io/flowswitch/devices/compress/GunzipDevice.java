package io.flowswitch.devices.compress;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A gzip decompressor (kind {@code gunzip}): reads what {@code gzip} writes, RFC 1952, as {@code gzip -d}
 * does. Headers are parsed byte by byte, so a header may span any number of input chunks; all flags are
 * understood (FTEXT, FHCRC with the header CRC checked, FEXTRA, FNAME, FCOMMENT). Members may be
 * concatenated; zero bytes after the last member are padding and are skipped; anything else after a
 * member is rejected. Every member's CRC-32 and ISIZE are checked against what was inflated.
 *
 * <p>Errors, each naming the stage, the member and the input byte position:
 * <ul>
 *   <li>{@code BAD_FORMAT}: not gzip (bad magic, unknown method, reserved flag bits), or trailing
 *       bytes after a member that are neither a member nor zero padding;</li>
 *   <li>{@code CORRUPT}: the inflater found invalid deflate data, or a CRC-32, ISIZE or header CRC does
 *       not match (the message says which, with the expected and the actual value);</li>
 *   <li>{@code TRUNCATED}: input ended inside a member, or before any member.</li>
 * </ul>
 * Output was handed out before a member's trailer is checked (the stream is not buffered), so a failed
 * flow's partial output must be discarded, as the sink's abort does.
 *
 * <p>Driven by demand: each {@link #poll} inflates into at most one output chunk, so a small input that
 * expands enormously (a zip bomb) produces only as much as downstream asks for, while the device keeps
 * its input chunk and {@link #needsInput()} stays false. {@link #accept} takes ownership of an input
 * chunk, which is released once every byte of it is parsed or inflated; a chunk that {@code poll}
 * returns is owned by the caller. Output headers carry the flow id of the input, this device's own
 * sequence (from 0) and output byte offset, and {@code FIRST} on the first chunk.
 *
 * <p>Allocation: none per chunk. The {@link Inflater} works on the chunks' heap arrays directly (JNI
 * critical sections, no copy); zlib allocates its 32 KiB window once, on the first inflate, and keeps it
 * across members ({@code inflateReset}) until {@link #close()}.
 *
 * <p>Not thread-safe: one stage thread drives it.
 */
public final class GunzipDevice implements TransformDevice {
    /** Where the parser is in the gzip stream. Header states are in the order RFC 1952 puts the fields. */
    private enum State {
        MAGIC1, MAGIC2, METHOD, FLAGS, MTIME_XFL_OS, XLEN, EXTRA, NAME, COMMENT, HEADER_CRC,
        DATA, TRAILER, TRAILING_ZEROS
    }

    private static final byte[] NO_INPUT = new byte[0];
    /** MTIME (4), XFL (1), OS (1): read and not used. */
    private static final int MTIME_XFL_OS_BYTES = 6;

    private final String stage;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 dataCrc = new CRC32();
    private final CRC32 headerCrc = new CRC32();

    private State state = State.MAGIC1;
    private int flags;
    /** Bytes of the current multi-byte field read so far, and its little-endian value. */
    private int fieldBytes;
    private long fieldValue;
    private int extraRemaining;
    /** Complete members so far; the member being read is number {@code members + 1}. */
    private int members;
    private long memberBytes;
    private long trailerPosition;
    /** An inflate call filled its output chunk, so zlib may have more output without more input. */
    private boolean inflaterMayHaveOutput;

    private Chunk input;
    private int inputIndex;
    private int inputEnd;
    /** Position in the input stream of the next byte to parse or inflate. */
    private long inputPosition;
    /** The last poll found nothing to do without more input. */
    private boolean starved = true;
    private boolean ended;
    private boolean finished;

    private long flowId;
    private long outputBytes;
    private long sequence;

    GunzipDevice(String stage, long flowId) {
        this.stage = stage;
        this.flowId = flowId;
    }

    /** Complete members read so far. */
    public int members() {
        return members;
    }

    /** Input bytes parsed or inflated so far. */
    public long inputBytes() {
        return inputPosition;
    }

    /** Output bytes handed out so far. */
    public long outputBytes() {
        return outputBytes;
    }

    @Override
    public boolean needsInput() {
        return !ended && input == null && starved;
    }

    /** Takes ownership of {@code chunk}; it is released once all of its payload is parsed or inflated. */
    @Override
    public void accept(Chunk chunk) {
        if (!needsInput()) {
            chunk.release();
            throw new IllegalStateException(stage + ": accept() while " + (ended ? "ended" : "busy"));
        }
        flowId = chunk.header().flowId();
        if (chunk.payloadLength() == 0) {
            chunk.release();
            return;
        }
        input = chunk;
        inputIndex = chunk.payloadOffset();
        inputEnd = chunk.payloadEnd();
        starved = false;
    }

    @Override
    public void endOfInput() {
        ended = true;
        // A stage that drained the device before ending it (needsInput() was true) must see it finished
        // at once when the last member is complete: there is no further poll whose output could say so.
        if (input == null && atMemberBoundary()) {
            finished = true;
        }
    }

    /** Returns one output chunk, owned by the caller, or {@code null} (see {@link TransformDevice#poll}). */
    @Override
    public Chunk poll(ChunkPool pool) {
        while (!finished) {
            if (state != State.DATA) {
                if (!parseFraming()) {
                    if (!ended) {
                        starved = true;
                        return null;
                    }
                    endOfStream();
                }
                continue;
            }
            if (input == null && !inflaterMayHaveOutput) {
                if (!ended) {
                    starved = true;
                    return null;
                }
                throw truncated("inside the deflate data of member " + (members + 1));
            }
            final Chunk out = pool.acquire();
            if (out == null) {
                return null;
            }
            final long positionBefore = inputPosition;
            final int produced;
            try {
                produced = inflate(out);
            } catch (RuntimeException e) {
                out.release();
                throw e;
            }
            if (produced > 0) {
                out.header().flowId(flowId).sequence(sequence).byteOffset(outputBytes)
                    .flags(sequence == 0 ? ChunkFlags.FIRST : 0);
                out.payload(Chunk.HEADROOM, produced);
                sequence++;
                outputBytes += produced;
                return out;
            }
            out.release();
            if (state == State.DATA && input != null && inputPosition == positionBefore) {
                // zlib returns with room left only when it has used all input; guard against a spin anyway.
                throw corrupt("the inflater made no progress in member " + (members + 1) + " at input byte "
                    + inputPosition);
            }
        }
        return null;
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    /** Releases a held input chunk and the inflater's native memory. Idempotent. */
    @Override
    public void close() {
        releaseInput();
        inflater.end();
    }

    /**
     * Inflates from the held input into {@code out}; moves to the trailer when the member's deflate data ends.
     *
     * @return payload bytes written into {@code out} at {@link Chunk#HEADROOM}
     */
    private int inflate(Chunk out) {
        // The inflater is given exactly the unread part of the input on every call, so its idea of the
        // remaining input and ours can never drift apart (setInput only stores the range: no copy).
        if (input != null) {
            inflater.setInput(input.array(), inputIndex, inputEnd - inputIndex);
        } else {
            inflater.setInput(NO_INPUT, 0, 0);
        }
        final int capacity = out.payloadCapacity();
        final int produced;
        try {
            produced = inflater.inflate(out.array(), Chunk.HEADROOM, capacity);
        } catch (DataFormatException e) {
            throw corrupt("invalid deflate data in member " + (members + 1) + " between input bytes "
                + inputPosition + " and " + (inputPosition + inputEnd - inputIndex) + ": " + e.getMessage(), e);
        }
        if (input != null) {
            final int next = inputEnd - inflater.getRemaining();
            inputPosition += next - inputIndex;
            inputIndex = next;
            if (inputIndex == inputEnd) {
                releaseInput();
            }
        }
        inflaterMayHaveOutput = produced == capacity;
        if (produced > 0) {
            dataCrc.update(out.array(), Chunk.HEADROOM, produced);
            memberBytes += produced;
        }
        if (inflater.finished()) {
            state = State.TRAILER;
            trailerPosition = inputPosition;
            startField();
            inflaterMayHaveOutput = false;
        }
        return produced;
    }

    /**
     * Parses header, trailer and padding bytes from the held input until the deflate data of a member
     * starts, the stream is finished, or the input runs out.
     *
     * @return {@code true} when the state changed to {@link State#DATA}; {@code false} when input ran out
     */
    private boolean parseFraming() {
        while (input != null) {
            final int b = input.array()[inputIndex] & 0xff;
            final long at = inputPosition;
            inputIndex++;
            inputPosition++;
            if (inputIndex == inputEnd) {
                releaseInput();
            }
            if (state == State.TRAILING_ZEROS) {
                // Padding can be long (a tape block, a pre-allocated file): skip it without a state change.
                if (b != 0) {
                    throw trailingGarbage(b, at);
                }
                continue;
            }
            parseByte(b, at);
            if (state == State.DATA) {
                return true;
            }
        }
        return false;
    }

    private void parseByte(int b, long at) {
        // FHCRC covers every header byte before it, from ID1 on.
        if (state.ordinal() > State.MAGIC1.ordinal() && state.ordinal() < State.HEADER_CRC.ordinal()) {
            headerCrc.update(b);
        }
        switch (state) {
            case MAGIC1:
                if (b == GzipFormat.ID1) {
                    headerCrc.reset();
                    headerCrc.update(b);
                    state = State.MAGIC2;
                } else if (members > 0 && b == 0) {
                    state = State.TRAILING_ZEROS;
                } else if (members > 0) {
                    throw trailingGarbage(b, at);
                } else {
                    throw badFormat("not gzip: input byte " + at + " is 0x" + hex2(b) + ", a gzip stream starts with 1f 8b");
                }
                break;
            case MAGIC2:
                if (b != GzipFormat.ID2) {
                    throw badFormat("not gzip: input byte " + at + " is 0x" + hex2(b) + " where member "
                        + (members + 1) + " needs the second magic byte 8b");
                }
                state = State.METHOD;
                break;
            case METHOD:
                if (b != GzipFormat.METHOD_DEFLATE) {
                    throw badFormat("unknown compression method " + b + " at input byte " + at + " in member "
                        + (members + 1) + ": gzip defines only 8 (deflate)");
                }
                state = State.FLAGS;
                break;
            case FLAGS:
                if ((b & GzipFormat.FLAGS_RESERVED) != 0) {
                    throw badFormat("reserved header flag bits set (flags 0x" + hex2(b) + ") at input byte " + at
                        + " in member " + (members + 1));
                }
                flags = b;
                state = State.MTIME_XFL_OS;
                startField();
                break;
            case MTIME_XFL_OS:
                if (++fieldBytes == MTIME_XFL_OS_BYTES) {
                    nextHeaderField();
                }
                break;
            case XLEN:
                if (addFieldByte(b) == 2) {
                    extraRemaining = (int) fieldValue;
                    if (extraRemaining == 0) {
                        nextHeaderField();
                    } else {
                        state = State.EXTRA;
                    }
                }
                break;
            case EXTRA:
                if (--extraRemaining == 0) {
                    nextHeaderField();
                }
                break;
            case NAME:
            case COMMENT:
                if (b == 0) {
                    nextHeaderField();
                }
                break;
            case HEADER_CRC:
                if (addFieldByte(b) == 2) {
                    final int expected = (int) fieldValue;
                    final int actual = (int) (headerCrc.getValue() & 0xffff);
                    if (expected != actual) {
                        throw corrupt("header CRC mismatch in member " + (members + 1) + " at input byte " + (at - 1)
                            + ": header says " + hex4(expected) + ", header bytes give " + hex4(actual));
                    }
                    nextHeaderField();
                }
                break;
            case TRAILER:
                if (addFieldByte(b) == GzipFormat.TRAILER_BYTES) {
                    checkTrailer();
                }
                break;
            default:
                throw new IllegalStateException(stage + ": no header byte expected in state " + state);
        }
    }

    /** Moves past the header field just read to the next one the flags announce, or to the deflate data. */
    private void nextHeaderField() {
        final int done = state.ordinal();
        startField();
        if (done < State.XLEN.ordinal() && (flags & GzipFormat.FEXTRA) != 0) {
            state = State.XLEN;
        } else if (done < State.NAME.ordinal() && (flags & GzipFormat.FNAME) != 0) {
            state = State.NAME;
        } else if (done < State.COMMENT.ordinal() && (flags & GzipFormat.FCOMMENT) != 0) {
            state = State.COMMENT;
        } else if (done < State.HEADER_CRC.ordinal() && (flags & GzipFormat.FHCRC) != 0) {
            state = State.HEADER_CRC;
        } else {
            state = State.DATA;
            inflater.reset();
            dataCrc.reset();
            memberBytes = 0;
            inflaterMayHaveOutput = false;
        }
    }

    private void checkTrailer() {
        final long expectedCrc = fieldValue & 0xffff_ffffL;
        final long expectedSize = fieldValue >>> 32;
        final long actualCrc = dataCrc.getValue();
        final long actualSize = memberBytes & 0xffff_ffffL;
        if (expectedCrc != actualCrc) {
            throw corrupt("CRC-32 mismatch in member " + (members + 1) + " (trailer at input byte " + trailerPosition
                + "): trailer says " + hex8(expectedCrc) + ", inflated data gives " + hex8(actualCrc));
        }
        if (expectedSize != actualSize) {
            throw corrupt("length mismatch in member " + (members + 1) + " (trailer at input byte " + trailerPosition
                + "): trailer says " + expectedSize + " bytes (ISIZE, modulo 2^32), inflated data is " + memberBytes
                + " bytes");
        }
        members++;
        state = State.MAGIC1;
    }

    /** Input ended while parsing: fine between members and in padding, truncation anywhere else. */
    private void endOfStream() {
        if (atMemberBoundary()) {
            finished = true;
            return;
        }
        if (state == State.MAGIC1) {
            throw truncated("before any gzip member");
        }
        if (state == State.TRAILER) {
            throw truncated("inside the trailer of member " + (members + 1) + " (" + fieldBytes + " of "
                + GzipFormat.TRAILER_BYTES + " bytes)");
        }
        throw truncated("inside the header of member " + (members + 1));
    }

    /** Whether the stream may end here: after a complete member, or in the zero padding after one. */
    private boolean atMemberBoundary() {
        return state == State.TRAILING_ZEROS || (state == State.MAGIC1 && members > 0);
    }

    private void startField() {
        fieldBytes = 0;
        fieldValue = 0;
    }

    /** Adds one byte to the little-endian field being read; returns how many bytes it now has. */
    private int addFieldByte(int b) {
        fieldValue |= (long) b << (8 * fieldBytes);
        return ++fieldBytes;
    }

    private void releaseInput() {
        if (input != null) {
            input.release();
            input = null;
        }
    }

    private DeviceException trailingGarbage(int b, long at) {
        return badFormat("trailing garbage after member " + members + ": input byte " + at + " is 0x" + hex2(b)
            + ", where only another member or zero padding may follow");
    }

    private DeviceException badFormat(String what) {
        return new DeviceException("BAD_FORMAT", stage + ": " + what);
    }

    private DeviceException corrupt(String what) {
        return new DeviceException("CORRUPT", stage + ": " + what);
    }

    private DeviceException corrupt(String what, Throwable cause) {
        return new DeviceException("CORRUPT", stage + ": " + what, cause);
    }

    private DeviceException truncated(String where) {
        return new DeviceException("TRUNCATED", stage + ": input ended at byte " + inputPosition + " " + where
            + ": the gzip stream is truncated");
    }

    private static String hex2(int value) {
        return String.format("%02x", value);
    }

    private static String hex4(int value) {
        return String.format("%04x", value);
    }

    private static String hex8(long value) {
        return String.format("%08x", value);
    }
}
