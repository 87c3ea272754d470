package io.flowswitch.devices.testkit;

import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.io.ByteArrayOutputStream;

/**
 * Drives one {@link TransformDevice} without a stream: feeds bytes in chunks as a source would (sequence
 * numbers, byte offsets, FIRST/LAST flags), collects every output payload, and checks that the device
 * returned every chunk to the pool.
 */
public final class DeviceHarness {
    private final int chunkBytes;
    private final ChunkPool pool;

    public DeviceHarness(int chunkBytes) {
        this.chunkBytes = chunkBytes;
        this.pool = new ChunkPool(chunkBytes, 16);
    }

    public ChunkPool pool() {
        return pool;
    }

    /** Runs {@code input} through {@code device} in chunks of the harness size and returns the output bytes. */
    public byte[] run(TransformDevice device, byte[] input) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (device) {
            int position = 0;
            long sequence = 0;
            do {
                final int length = Math.min(chunkBytes, input.length - position);
                final Chunk chunk = pool.acquire();
                System.arraycopy(input, position, chunk.array(), Chunk.HEADROOM, length);
                chunk.payload(Chunk.HEADROOM, length);
                chunk.header().flowId(1).sequence(sequence++).byteOffset(position);
                position += length;
                while (!device.needsInput()) {
                    drainOne(device, out);
                }
                device.accept(chunk);
                drain(device, out);
            } while (position < input.length);
            device.endOfInput();
            while (!device.isFinished()) {
                if (!drainOne(device, out) && !device.isFinished()) {
                    throw new AssertionError("device neither finished nor produced output after end of input");
                }
            }
        }
        if (pool.available() != pool.capacityChunks()) {
            throw new AssertionError("device leaked " + (pool.capacityChunks() - pool.available()) + " chunk(s)");
        }
        return out.toByteArray();
    }

    private void drain(TransformDevice device, ByteArrayOutputStream out) {
        while (!device.needsInput() && drainOne(device, out)) {
            // keep draining
        }
    }

    private boolean drainOne(TransformDevice device, ByteArrayOutputStream out) {
        final Chunk chunk = device.poll(pool);
        if (chunk == null) {
            return false;
        }
        out.write(chunk.array(), chunk.payloadOffset(), chunk.payloadLength());
        chunk.release();
        return true;
    }
}
