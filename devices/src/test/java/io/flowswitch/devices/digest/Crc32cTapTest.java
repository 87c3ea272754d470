package io.flowswitch.devices.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.testkit.DeviceHarness;
import io.flowswitch.devices.testkit.TestBytes;
import io.flowswitch.proto.DeviceCapabilities;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Crc32cTapTest {
    private static final String STAGE = "stage 3 (crc32c)";
    private static final FlowContext CONTEXT = new FlowContext(1, FlowContext.DEFAULT_CHUNK_BYTES, Map.of());
    private static final byte[] CHECK_INPUT = "123456789".getBytes(StandardCharsets.US_ASCII);
    /** The published check value of CRC-32C (Castagnoli) over ASCII "123456789". */
    private static final String CHECK_VALUE = "e3069283";

    private final Crc32cKind kind = new Crc32cKind();

    static Stream<Arguments> sizes() {
        return IntStream.of(FlowContext.MIN_CHUNK_BYTES, FlowContext.DEFAULT_CHUNK_BYTES).boxed()
            .flatMap(chunk -> IntStream.of(0, 1, chunk - 1, chunk, chunk + 1, 3 * 1024 * 1024 + 5)
                .mapToObj(size -> Arguments.of(chunk, size)));
    }

    @Test
    void checkValueOfTheDigitsOneToNineIsE3069283() throws Exception {
        final Crc32cTap tap = kind.create(DeviceParams.of(STAGE), CONTEXT);
        new DeviceHarness(FlowContext.MIN_CHUNK_BYTES).run(tap, CHECK_INPUT);
        assertEquals(Map.of("crc32c", CHECK_VALUE), tap.results());
        assertEquals(0xe3069283, tap.checksum());
        assertEquals(CHECK_VALUE, DigestReference.crc32cHex(new ByteArrayInputStream(CHECK_INPUT)));
    }

    @ParameterizedTest(name = "chunk {0}, {1} bytes")
    @MethodSource("sizes")
    void passesDataThroughAndEqualsTheJdkCrc32cOfTheWholeStream(int chunkBytes, int size) throws Exception {
        final byte[] input = TestBytes.random(size, 31L * size);
        final Crc32cTap tap = kind.create(DeviceParams.of(STAGE), CONTEXT);

        final byte[] output = new DeviceHarness(chunkBytes).run(tap, input);

        assertArrayEquals(input, output);
        final CRC32C reference = new CRC32C();
        reference.update(input);
        assertEquals(String.format("%08x", reference.getValue()), tap.results().get("crc32c"));
        assertEquals(tap.results().get("crc32c"), DigestReference.crc32cHex(new ByteArrayInputStream(input)));
        assertEquals(size, tap.bytesChecked());
    }

    @Test
    void emptyStreamHasCrcZero() {
        final Crc32cTap tap = kind.create(DeviceParams.of(STAGE), CONTEXT);
        new DeviceHarness(FlowContext.MIN_CHUNK_BYTES).run(tap, new byte[0]);
        assertEquals("00000000", tap.results().get("crc32c"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"e3069283", "E3069283", " e3069283 "})
    void matchingExpectedValuePasses(String expect) {
        final Crc32cTap tap = kind.create(DeviceParams.of(STAGE, "expect", expect), CONTEXT);
        assertArrayEquals(CHECK_INPUT, new DeviceHarness(FlowContext.MIN_CHUNK_BYTES).run(tap, CHECK_INPUT));
        assertEquals(CHECK_VALUE, tap.results().get("crc32c"));
    }

    @Test
    void mismatchAtEndOfInputNamesExpectedAndActual() {
        final DeviceHarness harness = new DeviceHarness(FlowContext.MIN_CHUNK_BYTES);
        final Crc32cTap tap = kind.create(DeviceParams.of(STAGE, "expect", "e3069284"), CONTEXT);

        final DeviceException e = assertThrows(DeviceException.class, () -> harness.run(tap, CHECK_INPUT));

        assertEquals("CHECKSUM_MISMATCH", e.code());
        assertEquals(STAGE + ": CRC-32C mismatch at end of input (byte 9): expected e3069284, actual e3069283",
            e.getMessage());
        // The actual value is still reported, for the flow's receipt.
        assertEquals(CHECK_VALUE, tap.results().get("crc32c"));
        assertEquals(harness.pool().capacityChunks(), harness.pool().available());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "e306928", "e30692830", "e306928g", "0xe3069283"})
    void rejectsAnExpectedValueThatIsNotEightHexDigits(String expect) {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> kind.validate(DeviceParams.of(STAGE, "expect", expect), CONTEXT));
        assertEquals("BAD_PARAMETER", e.code());
        assertTrue(e.getMessage().startsWith(STAGE + ": parameter 'expect' must be the CRC-32C as 8 hex digits"),
            e.getMessage());
    }

    @Test
    void rejectsUnknownParameters() {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> kind.validate(DeviceParams.of(STAGE, "expected", CHECK_VALUE), CONTEXT));
        assertEquals("BAD_PARAMETER", e.code());
        assertTrue(e.getMessage().endsWith("parameter 'expected' is not a parameter of this device; known: expect"), e.getMessage());
    }

    @Test
    void reportsNothingBeforeEndOfInput() {
        try (Crc32cTap tap = kind.create(DeviceParams.of(STAGE), CONTEXT)) {
            assertEquals(Map.of(), tap.results());
            assertThrows(IllegalStateException.class, tap::checksum);
        }
    }

    @Test
    void describesItselfAsAStatefulPassThroughTransform() {
        final DeviceCapabilities capabilities = kind.capabilities();
        assertEquals("crc32c", kind.name());
        assertEquals(DeviceRole.TRANSFORM, kind.role());
        assertEquals("crc32c", capabilities.getKind());
        assertEquals("TRANSFORM", capabilities.getRole());
        assertTrue(capabilities.getFunctionsList().contains("crc32c"));
        assertTrue(capabilities.getStateful());
        assertTrue(capabilities.getPassThrough());
        assertTrue(capabilities.getHasSoftwarePath());
    }
}
