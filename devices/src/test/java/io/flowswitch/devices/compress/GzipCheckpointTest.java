package io.flowswitch.devices.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.Checkpoint;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.ExternalTool;
import io.flowswitch.devices.testkit.TestBytes;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gzip's checkpoints: an instance resumed at any checkpoint of a stream, given only the input after it,
 * produces exactly the output chunks (bytes, sequence numbers, offsets, flags) of the instance that went on,
 * and the whole is a gzip member the real {@code gzip} reads.
 */
class GzipCheckpointTest {
    private static final int CHUNK = FlowContext.MIN_CHUNK_BYTES;
    private static final FlowContext CONTEXT = new FlowContext(3, CHUNK, Map.of());

    @TempDir
    Path dir;

    /** One output chunk as it left the device. */
    private record Out(long sequence, long byteOffset, int flags, byte[] payload) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Out out && out.sequence == sequence && out.byteOffset == byteOffset
                && out.flags == flags && Arrays.equals(out.payload, payload);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sequence);
        }

        @Override
        public String toString() {
            return "chunk " + sequence + " at " + byteOffset + ", " + payload.length + " bytes, flags " + flags;
        }
    }

    private static GzipDevice device(int level) {
        return new GzipKind().create(DeviceParams.of("stage 2 (gzip)", "level", Integer.toString(level)), CONTEXT);
    }

    /**
     * Feeds input chunks {@code from} on (by sequence) to {@code device}; collects its output chunks and,
     * when {@code checkpoints} is not null, a copy of every checkpoint it reaches.
     */
    private static List<Out> run(GzipDevice device, byte[] input, long from, List<Checkpoint> checkpoints) {
        final ChunkPool pool = new ChunkPool(CHUNK, 8);
        final List<Out> outputs = new ArrayList<>();
        long seen = 0;
        try (device) {
            long sequence = from;
            int position = (int) (from * CHUNK);
            boolean ended = false;
            while (!device.isFinished()) {
                if (device.needsInput() && !ended) {
                    if (position < input.length) {
                        final int length = Math.min(CHUNK, input.length - position);
                        final Chunk chunk = pool.acquire();
                        System.arraycopy(input, position, chunk.array(), Chunk.HEADROOM, length);
                        chunk.payload(Chunk.HEADROOM, length);
                        chunk.header().flowId(3).sequence(sequence++).byteOffset(position);
                        position += length;
                        device.accept(chunk);
                    } else {
                        ended = true;
                        device.endOfInput();
                    }
                }
                final Chunk out = device.poll(pool);
                if (out != null) {
                    outputs.add(new Out(out.header().sequence(), out.header().byteOffset(), out.header().flags(),
                        Arrays.copyOfRange(out.array(), out.payloadOffset(), out.payloadEnd())));
                    out.release();
                }
                if (checkpoints != null && device.checkpointCount() != seen) {
                    seen = device.checkpointCount();
                    final Checkpoint checkpoint = new Checkpoint();
                    assertTrue(device.copyCheckpoint(checkpoint));
                    checkpoints.add(checkpoint);
                }
            }
        }
        assertEquals(pool.capacityChunks(), pool.available(), "the device returned every chunk");
        return outputs;
    }

    private static byte[] bytes(List<Out> outputs) {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        outputs.forEach(out -> all.writeBytes(out.payload()));
        return all.toByteArray();
    }

    private static byte[] input() {
        // Text, a random stretch (stored blocks) and text again: 23 chunks and a bit.
        return TestBytes.concat(TestBytes.compressible(9 * CHUNK), TestBytes.random(6 * CHUNK + 17, 4),
            TestBytes.compressible(8 * CHUNK + 83));
    }

    @ParameterizedTest(name = "level {0}")
    @ValueSource(ints = {1, 6, 9})
    void aDeviceResumedAtAnyCheckpointGivesTheSameChunksAsOneThatWentOn(int level) throws Exception {
        final byte[] input = input();
        final List<Checkpoint> checkpoints = new ArrayList<>();
        final List<Out> whole = run(device(level), input, 0, checkpoints);
        assertEquals(((input.length + CHUNK - 1) / CHUNK) / GzipDevice.CHECKPOINT_CHUNKS, checkpoints.size());
        for (Checkpoint checkpoint : checkpoints) {
            final GzipDevice resumed = device(level);
            resumed.resumeAt(checkpoint);

            final List<Out> rest = run(resumed, input, checkpoint.inputSequence() + 1, null);

            final List<Out> expected = whole.subList((int) checkpoint.outputSequence(), whole.size());
            assertEquals(expected, rest, "resumed at " + checkpoint);
            assertEquals(Math.min((checkpoint.inputSequence() + 1) * CHUNK, input.length), checkpoint.inputBytes());
            assertFalse(rest.get(0).payload()[0] == (byte) GzipFormat.ID1 && rest.get(0).payload()[1] == (byte) GzipFormat.ID2
                && checkpoint.outputBytes() == 0, "no second header");
        }
        final byte[] gz = bytes(whole);
        assertEquals(TestBytes.sha256Hex(input), TestBytes.sha256Hex(GzipRoundTripTest.referenceDecompress(gz)));
        assertArrayEquals(GzipRoundTripTest.referenceCompress(input, level, CHUNK), gz);
        assertEquals(ChunkFlags.FIRST, whole.get(0).flags() & ChunkFlags.FIRST);
    }

    @Test
    void theRealGzipReadsWhatAResumedDeviceFinished() throws Exception {
        ExternalTool.assumeInstalled("gzip");
        final byte[] input = input();
        final List<Checkpoint> checkpoints = new ArrayList<>();
        final List<Out> whole = run(device(6), input, 0, checkpoints);
        final Checkpoint middle = checkpoints.get(checkpoints.size() / 2);
        final GzipDevice resumed = device(6);
        resumed.resumeAt(middle);
        final List<Out> joined = new ArrayList<>(whole.subList(0, (int) middle.outputSequence()));
        joined.addAll(run(resumed, input, middle.inputSequence() + 1, null));
        final Path gz = Files.write(dir.resolve("joined.gz"), bytes(joined));
        final Path restored = dir.resolve("restored.bin");

        ExternalTool.run(null, dir.resolve("test.txt"), "gzip", "-t", gz.toString());
        ExternalTool.run(gz, restored, "gzip", "-dc");

        assertEquals(TestBytes.sha256Hex(input), TestBytes.sha256Hex(Files.readAllBytes(restored)));
    }

    @Test
    void onlyAFreshInstanceCanResume() {
        final Checkpoint checkpoint = new Checkpoint().set(3, 4, 4 * CHUNK, 0, 2, 100);
        try (GzipDevice used = device(6)) {
            final ChunkPool pool = new ChunkPool(CHUNK, 2);
            final Chunk chunk = pool.acquire();
            chunk.payload(Chunk.HEADROOM, 10);
            used.accept(chunk);
            final DeviceException error = assertThrows(DeviceException.class, () -> used.resumeAt(checkpoint));
            assertEquals("BAD_STATE", error.code());
            assertTrue(error.getMessage().startsWith("stage 2 (gzip): gzip can resume only a fresh instance"),
                error.getMessage());
        }
    }
}
