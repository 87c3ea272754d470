package io.flowswitch.devices.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.testkit.ExternalTool;
import io.flowswitch.devices.testkit.TestBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The devices against the real {@code gzip}: each reads what the other writes. */
class GzipInteropTest {
    private static final int GZIP_FNAME = 8;

    @TempDir
    Path dir;

    @BeforeEach
    void needsGzip() {
        ExternalTool.assumeInstalled("gzip");
    }

    static Stream<Arguments> deviceOutputs() {
        return Stream.of(
            Arguments.of(1, FlowContext.MIN_CHUNK_BYTES, 0),
            Arguments.of(6, FlowContext.MIN_CHUNK_BYTES, 1),
            Arguments.of(1, FlowContext.DEFAULT_CHUNK_BYTES, 3 * 1024 * 1024 + 11),
            Arguments.of(6, FlowContext.MIN_CHUNK_BYTES, 3 * 1024 * 1024 + 11),
            Arguments.of(6, FlowContext.DEFAULT_CHUNK_BYTES, 3 * 1024 * 1024 + 11),
            Arguments.of(9, FlowContext.DEFAULT_CHUNK_BYTES, 3 * 1024 * 1024 + 11));
    }

    /** Text with a random stretch in the middle, so both stored and Huffman blocks occur. */
    private static byte[] mixed(int size) {
        final int third = size / 3;
        return TestBytes.concat(TestBytes.compressible(third), TestBytes.random(third, size),
            TestBytes.compressible(size - 2 * third));
    }

    @ParameterizedTest(name = "level {0}, chunk {1}, {2} bytes")
    @MethodSource("deviceOutputs")
    void gzipToolDecompressesWhatTheDeviceWrites(int level, int chunkBytes, int size) throws Exception {
        final byte[] input = mixed(size);
        final Path compressed = dir.resolve("device.gz");
        Files.write(compressed, GzipRoundTripTest.gzip(input, chunkBytes, level));
        final Path restored = dir.resolve("restored.bin");

        ExternalTool.run(compressed, restored, "gzip", "-dc");

        assertEquals(TestBytes.sha256Hex(input), TestBytes.sha256Hex(Files.readAllBytes(restored)));
    }

    static Stream<Arguments> toolOptions() {
        return Stream.of(
            Arguments.of(List.of("-c"), FlowContext.MIN_CHUNK_BYTES),
            Arguments.of(List.of("-c"), FlowContext.DEFAULT_CHUNK_BYTES),
            Arguments.of(List.of("-9", "-c"), FlowContext.MIN_CHUNK_BYTES),
            Arguments.of(List.of("-9", "-c"), FlowContext.DEFAULT_CHUNK_BYTES),
            Arguments.of(List.of("-1", "-c"), FlowContext.DEFAULT_CHUNK_BYTES),
            Arguments.of(List.of("-N", "-c"), FlowContext.MIN_CHUNK_BYTES),
            Arguments.of(List.of("-n", "-c"), FlowContext.MIN_CHUNK_BYTES));
    }

    @ParameterizedTest(name = "gzip {0}, chunk {1}")
    @MethodSource("toolOptions")
    void deviceDecompressesWhatTheGzipToolWrites(List<String> options, int chunkBytes) throws Exception {
        final byte[] input = mixed(2 * 1024 * 1024 + 5);
        // A long file name (file systems allow 255 bytes), which gzip stores in the header unless told -n.
        final Path file = dir.resolve("a-long-file-name-".repeat(12) + ".bin");
        Files.write(file, input);
        final byte[] compressed = gzipTool(file, options);
        assertEquals(!options.contains("-n"), (compressed[3] & GZIP_FNAME) != 0, "FNAME flag");

        final byte[] restored = GzipRoundTripTest.gunzip(compressed, chunkBytes);

        assertEquals(TestBytes.sha256Hex(input), TestBytes.sha256Hex(restored));
    }

    @Test
    void deviceDecompressesWhatTheGzipToolWritesFromAPipe() throws Exception {
        final byte[] input = TestBytes.compressible(500_000);
        final Path file = dir.resolve("input.txt");
        Files.write(file, input);
        final Path compressed = dir.resolve("piped.gz");
        ExternalTool.run(file, compressed, "gzip", "-c");
        assertEquals(TestBytes.sha256Hex(input),
            TestBytes.sha256Hex(GzipRoundTripTest.gunzip(Files.readAllBytes(compressed), FlowContext.MIN_CHUNK_BYTES)));
    }

    @Test
    void deviceReadsConcatenatedMembersAsGzipDoes() throws Exception {
        final byte[] a = TestBytes.compressible(300_000);
        final byte[] b = TestBytes.random(200_000, 3);
        final Path fileA = dir.resolve("a.txt");
        final Path fileB = dir.resolve("b.bin");
        Files.write(fileA, a);
        Files.write(fileB, b);
        // cat a.gz b.gz
        final byte[] concatenated = TestBytes.concat(gzipTool(fileA, List.of("-c")), gzipTool(fileB, List.of("-9", "-c")));

        final byte[] restored = GzipRoundTripTest.gunzip(concatenated, FlowContext.MIN_CHUNK_BYTES);

        assertEquals(TestBytes.sha256Hex(TestBytes.concat(a, b)), TestBytes.sha256Hex(restored));
        final Path catted = dir.resolve("ab.gz");
        Files.write(catted, concatenated);
        final Path byTool = dir.resolve("ab.out");
        ExternalTool.run(catted, byTool, "gzip", "-dc");
        assertEquals(TestBytes.sha256Hex(restored), TestBytes.sha256Hex(Files.readAllBytes(byTool)));
    }

    @Test
    void gzipToolReadsADeviceMemberFollowedByAToolMember() throws Exception {
        final byte[] a = TestBytes.compressible(100_000);
        final byte[] b = TestBytes.compressible(70_000);
        final Path fileB = dir.resolve("b.txt");
        Files.write(fileB, b);
        final Path both = dir.resolve("both.gz");
        Files.write(both, TestBytes.concat(GzipRoundTripTest.gzip(a, FlowContext.MIN_CHUNK_BYTES, 6),
            gzipTool(fileB, List.of("-c"))));
        final Path restored = dir.resolve("both.out");

        ExternalTool.run(both, restored, "gzip", "-dc");

        assertEquals(TestBytes.sha256Hex(TestBytes.concat(a, b)), TestBytes.sha256Hex(Files.readAllBytes(restored)));
        assertEquals(TestBytes.sha256Hex(TestBytes.concat(a, b)),
            TestBytes.sha256Hex(GzipRoundTripTest.gunzip(Files.readAllBytes(both), FlowContext.DEFAULT_CHUNK_BYTES)));
    }

    @Test
    void gzipToolAcceptsTheDevicesOutputAsValid() throws Exception {
        final Path compressed = dir.resolve("tested.gz");
        Files.write(compressed, GzipRoundTripTest.gzip(mixed(1_000_000), FlowContext.MIN_CHUNK_BYTES, 6));
        final Path report = dir.resolve("test.out");
        // gzip -t checks the CRC and length and exits non-zero on any problem.
        ExternalTool.run(null, report, "gzip", "-t", compressed.toString());
        assertTrue(Files.size(report) == 0);
    }

    private byte[] gzipTool(Path file, List<String> options) throws Exception {
        final List<String> command = new ArrayList<>();
        command.add("gzip");
        command.addAll(options);
        command.add(file.toString());
        final Path out = Files.createTempFile(dir, "tool", ".gz");
        ExternalTool.run(null, out, command.toArray(String[]::new));
        return Files.readAllBytes(out);
    }
}
