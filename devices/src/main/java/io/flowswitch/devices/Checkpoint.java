package io.flowswitch.devices;

/**
 * A point in a stateful device's stream from which a fresh instance can go on producing exactly the
 * output the device would have produced: the last input chunk it covers, where the output stands
 * (next sequence number, byte offset), and the device's small running state there (input chunks and
 * bytes so far, a CRC-32 of the input). A mutable holder, reused: no object per checkpoint. Not
 * thread-safe.
 */
public final class Checkpoint {
    private long inputSequence = -1;
    private long inputChunks;
    private long inputBytes;
    private int crc32;
    private long outputSequence;
    private long outputBytes;

    /** Whether this holds a checkpoint (a fresh holder, or one {@link #clear}ed, holds none). */
    public boolean isSet() {
        return inputSequence >= 0;
    }

    /** The sequence number of the last input chunk the checkpoint covers; -1 when none is held. */
    public long inputSequence() {
        return inputSequence;
    }

    /** Input chunks with a payload the device took up to the checkpoint. */
    public long inputChunks() {
        return inputChunks;
    }

    /** Input payload bytes up to the checkpoint. */
    public long inputBytes() {
        return inputBytes;
    }

    /** CRC-32 of those input bytes. */
    public int crc32() {
        return crc32;
    }

    /** The sequence number of the first output chunk after the checkpoint. */
    public long outputSequence() {
        return outputSequence;
    }

    /** The output byte offset at the checkpoint. */
    public long outputBytes() {
        return outputBytes;
    }

    /** Sets every field; returns this. */
    public Checkpoint set(long inputSequence, long inputChunks, long inputBytes, int crc32, long outputSequence,
        long outputBytes) {
        this.inputSequence = inputSequence;
        this.inputChunks = inputChunks;
        this.inputBytes = inputBytes;
        this.crc32 = crc32;
        this.outputSequence = outputSequence;
        this.outputBytes = outputBytes;
        return this;
    }

    /** Copies {@code other} into this; returns this. */
    public Checkpoint copyFrom(Checkpoint other) {
        return set(other.inputSequence, other.inputChunks, other.inputBytes, other.crc32, other.outputSequence,
            other.outputBytes);
    }

    /** Forgets the checkpoint held. */
    public void clear() {
        set(-1, 0, 0, 0, 0, 0);
    }

    @Override
    public String toString() {
        return "checkpoint after input chunk " + inputSequence + " (" + inputBytes + " bytes in, output from chunk "
            + outputSequence + " at byte " + outputBytes + ")";
    }
}
