package io.flowswitch.devices.crypto;

import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Drives a {@link TransformDevice} like {@link io.flowswitch.devices.testkit.DeviceHarness}, but with input
 * cut at any sizes, optional LAST flags, a pool as small as wanted (downstream keeps up to
 * {@code heldOutputs} output chunks before it releases them, so the device meets an empty pool), and a
 * record of every output chunk's header.
 */
final class ChunkDriver {
    /** What one output chunk said about itself. */
    record Out(long sequence, long byteOffset, int length, int flags) {
    }

    private final ChunkPool pool;
    private final int heldOutputs;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Out> outputs = new ArrayList<>();
    private final ArrayDeque<Chunk> held = new ArrayDeque<>();
    private int stalls;
    private int headerBytes;

    ChunkDriver(int chunkCapacity, int poolChunks, int heldOutputs) {
        this.pool = new ChunkPool(chunkCapacity, poolChunks);
        this.heldOutputs = heldOutputs;
    }

    ChunkPool pool() {
        return pool;
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }

    List<Out> outputs() {
        return outputs;
    }

    /**
     * Input cut into chunks is framed: each chunk starts with a header of {@code bytes} that the byte
     * offsets do not count, as after a header program.
     */
    ChunkDriver framed(int bytes) {
        this.headerBytes = bytes;
        return this;
    }

    /** How often the device stopped for want of a pool chunk. */
    int stalls() {
        return stalls;
    }

    /**
     * Feeds {@code input} cut by {@code sliceBytes} (given the slice index), flags the last chunk LAST if
     * asked, then ends the input and drains the device. Chunks the input is cut into must fit the pool.
     *
     * @param emptyChunkForNoInput whether an empty input gives one empty chunk (else no chunk at all)
     */
    byte[] run(TransformDevice device, byte[] input, IntUnaryOperator sliceBytes, boolean flagLast,
               boolean emptyChunkForNoInput) {
        try (device) {
            int position = 0;
            long sequence = 0;
            boolean first = true;
            while (position < input.length || (first && input.length == 0 && emptyChunkForNoInput)) {
                final int length = Math.min(sliceBytes.applyAsInt((int) sequence), input.length - position);
                final Chunk chunk = acquire();
                System.arraycopy(input, position, chunk.array(), Chunk.HEADROOM, length);
                chunk.payload(Chunk.HEADROOM, length);
                position += length;
                final boolean last = position == input.length;
                chunk.header().flowId(7).sequence(sequence).byteOffset(position - length - sequence * headerBytes)
                    .flags((first ? ChunkFlags.FIRST : 0) | (flagLast && last ? ChunkFlags.LAST : 0));
                first = false;
                sequence++;
                while (!device.needsInput()) {
                    pollOne(device);
                }
                device.accept(chunk);
                while (!device.needsInput()) {
                    pollOne(device);
                }
            }
            device.endOfInput();
            while (!device.isFinished()) {
                pollOne(device);
            }
        } catch (RuntimeException e) {
            // A failing device must still give back every chunk it held (close() ran by now).
            flush();
            if (pool.available() != pool.capacityChunks()) {
                throw new AssertionError("device leaked " + (pool.capacityChunks() - pool.available())
                    + " chunk(s) on failure", e);
            }
            throw e;
        }
        flush();
        if (pool.available() != pool.capacityChunks()) {
            throw new AssertionError("device leaked " + (pool.capacityChunks() - pool.available()) + " chunk(s)");
        }
        return bytes();
    }

    /** Runs {@code device} over {@code input} in slices of {@code sliceBytes}, like the harness. */
    byte[] run(TransformDevice device, byte[] input, int sliceBytes) {
        return run(device, input, i -> sliceBytes, false, true);
    }

    private Chunk acquire() {
        Chunk chunk = pool.acquire();
        if (chunk == null) {
            flush();
            chunk = pool.acquire();
        }
        if (chunk == null) {
            throw new AssertionError("pool empty although downstream released everything");
        }
        return chunk;
    }

    private void pollOne(TransformDevice device) {
        Chunk out = device.poll(pool);
        if (out == null) {
            if (device.needsInput() || device.isFinished()) {
                return;
            }
            // The device waits for the pool: downstream catches up, then the device must go on.
            stalls++;
            flush();
            out = device.poll(pool);
            if (out == null && !device.needsInput() && !device.isFinished()) {
                throw new AssertionError("device stuck with a full pool");
            }
            if (out == null) {
                return;
            }
        }
        outputs.add(new Out(out.header().sequence(), out.header().byteOffset(), out.payloadLength(),
            out.header().flags()));
        held.add(out);
        if (held.size() > heldOutputs) {
            flush();
        }
    }

    private void flush() {
        Chunk chunk;
        while ((chunk = held.poll()) != null) {
            bytes.write(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
            chunk.release();
        }
    }
}
