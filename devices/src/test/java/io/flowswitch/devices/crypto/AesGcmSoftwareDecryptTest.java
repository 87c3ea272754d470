package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.CryptoFixtures.DECRYPT_STAGE;
import static io.flowswitch.devices.crypto.CryptoFixtures.KEY;
import static io.flowswitch.devices.crypto.CryptoFixtures.KEY_NAME;
import static io.flowswitch.devices.crypto.CryptoFixtures.SALT_HEX;
import static io.flowswitch.devices.crypto.CryptoFixtures.decryptDevice;
import static io.flowswitch.devices.crypto.CryptoFixtures.deviceEncrypt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.TransformDevice;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The software path of {@code aes-gcm-decrypt} hands out what the device does, chunk for chunk (sequence,
 * byte offset, length, flags, bytes), however the stream is cut, and fails as the device does.
 */
class AesGcmSoftwareDecryptTest {
    private static final int CHUNK = 1024;

    private static TransformDevice software() {
        return AesGcmSoftwareDecrypt.create(DeviceParams.of(DECRYPT_STAGE, "key", KEY_NAME),
            CryptoFixtures.context(CHUNK, KEY));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 100, 1024, 1060})
    void sameChunksAsTheDeviceHoweverTheStreamIsCut(int slice) {
        final byte[] plaintext = new byte[CHUNK * 9 + 321];
        new Random(slice).nextBytes(plaintext);
        final byte[] encrypted = deviceEncrypt(plaintext, CHUNK, SALT_HEX);
        final ChunkDriver device = new ChunkDriver(CHUNK + 64, 8, 0);
        final ChunkDriver path = new ChunkDriver(CHUNK + 64, 8, 0);
        final Random random = new Random(slice);
        final int[] cuts = random.ints(encrypted.length + 1, 1, slice + 1).toArray();
        assertArrayEquals(plaintext, device.run(decryptDevice(CHUNK, KEY), encrypted, i -> cuts[i], false, true));
        assertArrayEquals(plaintext, path.run(software(), encrypted, i -> cuts[i], false, true));
        assertEquals(device.outputs(), path.outputs());
    }

    @ParameterizedTest
    @ValueSource(ints = {40, 2000, 6000})
    void aTamperedOrTruncatedStreamFailsAsOnTheDevice(int at) {
        final byte[] plaintext = new byte[CHUNK * 6];
        new Random(at).nextBytes(plaintext);
        final byte[] encrypted = deviceEncrypt(plaintext, CHUNK, SALT_HEX);
        final byte[] tampered = encrypted.clone();
        tampered[at] ^= 1;
        final byte[] truncated = Arrays.copyOf(encrypted, at);
        for (byte[] input : new byte[][] {tampered, truncated}) {
            final DeviceException onDevice = assertThrows(DeviceException.class,
                () -> new ChunkDriver(CHUNK + 64, 8, 0).run(decryptDevice(CHUNK, KEY), input, 500));
            final DeviceException onPath = assertThrows(DeviceException.class,
                () -> new ChunkDriver(CHUNK + 64, 8, 0).run(software(), input, 500));
            assertEquals(onDevice.code(), onPath.code());
            assertEquals(onDevice.getMessage(), onPath.getMessage());
        }
    }
}
