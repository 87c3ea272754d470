package io.flowswitch.devices.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.testkit.DeviceHarness;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** Keys, salts, data and one-line ways to run the devices and the reference, shared by the crypto tests. */
final class CryptoFixtures {
    static final String KEY_NAME = "k1";
    static final String ENCRYPT_STAGE = "stage 2 (aes-gcm-encrypt)";
    static final String DECRYPT_STAGE = "stage 3 (aes-gcm-decrypt)";
    static final String SALT_HEX = "a1a2a3a4a5a6a7a8a9aaabac";
    static final String OTHER_SALT_HEX = "0102030405060708090a0b0c";
    static final SecretKey KEY = key(1);
    static final SecretKey OTHER_KEY = key(2);

    private CryptoFixtures() {
    }

    static SecretKey key(int seed) {
        final byte[] bytes = new byte[AesGcmFormat.KEY_LENGTH];
        new Random(seed).nextBytes(bytes);
        return new SecretKeySpec(bytes, "AES");
    }

    static byte[] salt(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static byte[] data(int length, long seed) {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static FlowContext context(int chunkBytes, SecretKey key) {
        return new FlowContext(7, chunkBytes, Map.of(KEY_NAME, key));
    }

    static TransformDevice encryptDevice(int chunkBytes, String saltHex) {
        return encryptDevice(chunkBytes, saltHex, KEY);
    }

    static TransformDevice encryptDevice(int chunkBytes, String saltHex, SecretKey key) {
        return (TransformDevice) new AesGcmEncryptKind().create(
            DeviceParams.of(ENCRYPT_STAGE, "key", KEY_NAME, "salt-hex", saltHex), context(chunkBytes, key));
    }

    static TransformDevice decryptDevice(int chunkBytes, SecretKey key) {
        return (TransformDevice) new AesGcmDecryptKind().create(DeviceParams.of(DECRYPT_STAGE, "key", KEY_NAME),
            context(chunkBytes, key));
    }

    /** Encrypts with the device through the harness, chunks of {@code chunkBytes}. */
    static byte[] deviceEncrypt(byte[] plaintext, int chunkBytes, String saltHex) {
        return new DeviceHarness(chunkBytes).run(encryptDevice(chunkBytes, saltHex), plaintext);
    }

    /** Decrypts with the device through the harness, input cut into chunks of {@code chunkBytes}. */
    static byte[] deviceDecrypt(byte[] encrypted, int chunkBytes, SecretKey key) {
        return new DeviceHarness(chunkBytes).run(decryptDevice(chunkBytes, key), encrypted);
    }

    static byte[] referenceEncrypt(byte[] plaintext, int chunkBytes, String saltHex) {
        return referenceEncrypt(plaintext, chunkBytes, saltHex, KEY);
    }

    static byte[] referenceEncrypt(byte[] plaintext, int chunkBytes, String saltHex, SecretKey key) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            AesGcmReference.encrypt(new ByteArrayInputStream(plaintext), out, key, salt(saltHex), chunkBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] referenceDecrypt(byte[] encrypted, SecretKey key) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            AesGcmReference.decrypt(new ByteArrayInputStream(encrypted), out, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asserts that {@code action} fails with a {@link DeviceException} of {@code code} and returns it. */
    static DeviceException assertFails(String code, Runnable action) {
        final DeviceException e = assertThrows(DeviceException.class, action::run);
        assertEquals(code, e.code(), () -> "wrong code; message: " + e.getMessage());
        return e;
    }
}
