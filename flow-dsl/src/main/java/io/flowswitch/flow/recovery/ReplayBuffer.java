package io.flowswitch.flow.recovery;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;

/**
 * Copies of the chunks a stage's device was given and has not yet delivered downstream, in sequence order,
 * in chunks of a pool of its own (allocated once): what a new device gets again after the old one failed.
 * A ring of references; no allocation per chunk. Owns every chunk it holds. Not thread-safe: one stage.
 */
final class ReplayBuffer {
    private final ChunkPool pool;
    private final Chunk[] ring;
    private int head;
    private int size;

    ReplayBuffer(ChunkPool pool) {
        this.pool = pool;
        this.ring = new Chunk[pool.capacityChunks()];
    }

    int size() {
        return size;
    }

    Chunk get(int index) {
        return ring[(head + index) % ring.length];
    }

    /**
     * Keeps a copy of {@code input} (header and payload); the caller keeps {@code input}.
     *
     * @return false when the buffer is full: nothing was kept
     */
    boolean add(Chunk input) {
        if (size == ring.length) {
            return false;
        }
        final Chunk copy = pool.acquire();
        if (copy == null) {
            return false;
        }
        copy(input, copy);
        ring[(head + size) % ring.length] = copy;
        size++;
        return true;
    }

    /**
     * Releases the copies of every chunk up to and including {@code sequence}: delivered downstream.
     *
     * @return how many were released
     */
    int acknowledge(long sequence) {
        int released = 0;
        while (size > 0 && ring[head].header().sequence() <= sequence) {
            removeHead();
            released++;
        }
        return released;
    }

    /** The copy of chunk {@code sequence}, or {@code null} when the buffer has none. */
    Chunk find(long sequence) {
        if (size == 0) {
            return null;
        }
        final long index = sequence - get(0).header().sequence();
        if (index >= 0 && index < size && get((int) index).header().sequence() == sequence) {
            return get((int) index);
        }
        for (int i = 0; i < size; i++) {
            if (get(i).header().sequence() == sequence) {
                return get(i);
            }
        }
        return null;
    }

    /** Whether {@code output} carries exactly the payload of the copy {@code kept}. */
    static boolean samePayload(Chunk kept, Chunk output) {
        return kept.payloadLength() == output.payloadLength()
            && java.util.Arrays.equals(kept.array(), kept.payloadOffset(), kept.payloadEnd(), output.array(),
                output.payloadOffset(), output.payloadEnd());
    }

    /** Releases the copy of chunk {@code sequence}, wherever it is; false when there is none. */
    boolean remove(long sequence) {
        for (int i = 0; i < size; i++) {
            if (get(i).header().sequence() == sequence) {
                get(i).release();
                for (int j = i; j < size - 1; j++) {
                    ring[(head + j) % ring.length] = ring[(head + j + 1) % ring.length];
                }
                ring[(head + size - 1) % ring.length] = null;
                size--;
                return true;
            }
        }
        return false;
    }

    void clear() {
        while (size > 0) {
            removeHead();
        }
    }

    private void removeHead() {
        ring[head].release();
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
    }

    /** Copies header and payload of {@code from} into {@code to}, at the same place in the array. */
    static void copy(Chunk from, Chunk to) {
        to.header().copyFrom(from.header());
        System.arraycopy(from.array(), from.payloadOffset(), to.array(), from.payloadOffset(), from.payloadLength());
        to.payload(from.payloadOffset(), from.payloadLength());
    }
}
