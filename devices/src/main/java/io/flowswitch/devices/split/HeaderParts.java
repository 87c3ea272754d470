package io.flowswitch.devices.split;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where a split keeps the header parts of the chunks between it and its join: a fixed ring of slots,
 * one per chunk in flight, indexed by the chunk's sequence number. Allocated once per flow; nothing per
 * chunk.
 *
 * <p>One writer (the split's stage thread) and one reader (the join's). A slot's sequence word says who
 * holds it: -1 free, else the sequence whose header part it holds. The writer fills the bytes, then
 * publishes the sequence (release); the reader sees the sequence (acquire), copies the bytes out, then
 * frees the slot (release); the writer sees it free (acquire) before it writes again.
 */
final class HeaderParts {
    /**
     * Slots: more chunks than any flow holds at once between two of its stages (its pools and the ports
     * between them hold far fewer), so a full slot means a device between split and join lost or kept a
     * chunk, and is reported as such.
     */
    static final int SLOTS = 4096;
    private static final long FREE = -1;

    private final int partBytes;
    private final byte[] parts;
    private final AtomicLongArray sequences = new AtomicLongArray(SLOTS);

    HeaderParts(int partBytes) {
        this.partBytes = partBytes;
        this.parts = new byte[SLOTS * partBytes];
        for (int i = 0; i < SLOTS; i++) {
            sequences.set(i, FREE);
        }
    }

    int partBytes() {
        return partBytes;
    }

    /** Keeps {@code partBytes} bytes from {@code array} at {@code at} for {@code sequence}; false when its slot is taken. */
    boolean put(long sequence, byte[] array, int at) {
        final int slot = slot(sequence);
        if (sequences.getAcquire(slot) != FREE) {
            return false;
        }
        System.arraycopy(array, at, parts, slot * partBytes, partBytes);
        sequences.setRelease(slot, sequence);
        return true;
    }

    /** Copies the header part of {@code sequence} to {@code array} at {@code at} and frees it; false when there is none. */
    boolean take(long sequence, byte[] array, int at) {
        final int slot = slot(sequence);
        if (sequences.getAcquire(slot) != sequence) {
            return false;
        }
        System.arraycopy(parts, slot * partBytes, array, at, partBytes);
        sequences.setRelease(slot, FREE);
        return true;
    }

    /** The sequence of some header part still kept, or -1 when none is. */
    long anyKept() {
        for (int i = 0; i < SLOTS; i++) {
            final long sequence = sequences.getAcquire(i);
            if (sequence != FREE) {
                return sequence;
            }
        }
        return FREE;
    }

    private static int slot(long sequence) {
        return (int) Math.floorMod(sequence, (long) SLOTS);
    }
}
