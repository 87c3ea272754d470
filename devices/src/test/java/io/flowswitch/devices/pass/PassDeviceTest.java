package io.flowswitch.devices.pass;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.testkit.DeviceHarness;
import io.flowswitch.devices.testkit.TestBytes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class PassDeviceTest {
    private static final int CHUNK = FlowContext.MIN_CHUNK_BYTES;
    private static final FlowContext CONTEXT = new FlowContext(1, CHUNK, Map.of());
    private final PassKind kind = (PassKind) DeviceCatalog.builtIn().find(PassKind.NAME).orElseThrow();

    @Test
    void tapsLeaveTheRangeOfEveryChunkOutAndEveryByteUnchanged() throws Exception {
        final byte[] input = TestBytes.random(7 * CHUNK + 5, 9);
        final MessageDigest expectedSha = MessageDigest.getInstance("SHA-256");
        final CRC32C expectedCrc = new CRC32C();
        for (int at = 0; at < input.length; at += CHUNK) {
            final int length = Math.min(CHUNK, input.length - at);
            // The range 4..20 of each chunk, cut to the chunk (the last has 5 bytes: only byte 4 is in it).
            final int start = Math.min(4, length);
            final int end = Math.min(20, length);
            expectedSha.update(input, at, start);
            expectedSha.update(input, at + end, length - end);
            expectedCrc.update(input, at, start);
            expectedCrc.update(input, at + end, length - end);
        }
        final PassDevice sha = kind.create(params("sha256"), CONTEXT);
        assertArrayEquals(input, new DeviceHarness(CHUNK).run(sha, input));
        assertEquals(HexFormat.of().formatHex(expectedSha.digest()), sha.results().get("sha256"));

        final PassDevice crc = kind.create(params("crc32c"), CONTEXT);
        assertArrayEquals(input, new DeviceHarness(CHUNK).run(crc, input));
        assertEquals(HexFormat.of().toHexDigits((int) expectedCrc.getValue()), crc.results().get("crc32c"));
    }

    @Test
    void onlyKindsThatCanLeaveARangeUntouchedAreAccepted() {
        final DeviceException e = assertThrows(DeviceException.class, () -> kind.validate(
            DeviceParams.of("stage 2 (pass)", "device", "gzip", "from", "0", "to", "4"), CONTEXT));
        assertTrue(e.getMessage().contains("'gzip', which cannot leave a range untouched; kinds that can:"
            + " sha256, crc32c, rate-limit, aes-gcm-encrypt"), e.getMessage());
        final DeviceException empty = assertThrows(DeviceException.class, () -> kind.validate(
            DeviceParams.of("stage 2 (pass)", "device", "sha256", "from", "8", "to", "8"), CONTEXT));
        assertTrue(empty.getMessage().contains("parameter 'to' must be greater than 'from' (8), got 8"),
            empty.getMessage());
    }

    private static DeviceParams params(String device) {
        return DeviceParams.of("stage 3 (pass)", "device", device, "from", "4", "to", "20");
    }
}
