package io.flowswitch.devices.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowswitch.devices.testkit.TestBytes;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Crc32CombineTest {
    private static int crc(byte[] bytes, int from, int to) {
        final CRC32 crc = new CRC32();
        crc.update(bytes, from, to - from);
        return (int) crc.getValue();
    }

    @ParameterizedTest(name = "split at {0}")
    @ValueSource(ints = {0, 1, 7, 4096, 99_999, 100_000})
    void combinedCrcsEqualTheCrcOfTheWhole(int split) {
        final byte[] bytes = TestBytes.random(100_000, split);
        assertEquals(crc(bytes, 0, bytes.length),
            Crc32Combine.combine(crc(bytes, 0, split), crc(bytes, split, bytes.length), bytes.length - split));
    }
}
