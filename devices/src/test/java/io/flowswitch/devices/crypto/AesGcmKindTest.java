package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.CryptoFixtures.DECRYPT_STAGE;
import static io.flowswitch.devices.crypto.CryptoFixtures.ENCRYPT_STAGE;
import static io.flowswitch.devices.crypto.CryptoFixtures.KEY_NAME;
import static io.flowswitch.devices.crypto.CryptoFixtures.SALT_HEX;
import static io.flowswitch.devices.crypto.CryptoFixtures.assertFails;
import static io.flowswitch.devices.crypto.CryptoFixtures.context;
import static io.flowswitch.devices.crypto.CryptoFixtures.data;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.testkit.DeviceHarness;
import io.flowswitch.proto.DeviceCapabilities;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The kinds: names, capabilities, parameter and key checks; and the encrypt device's input checks. */
class AesGcmKindTest {
    private static final int CHUNK = 4096;
    private static final AesGcmEncryptKind ENCRYPT = new AesGcmEncryptKind();
    private static final AesGcmDecryptKind DECRYPT = new AesGcmDecryptKind();

    @Test
    void kindsDescribeThemselves() {
        assertEquals("aes-gcm-encrypt", ENCRYPT.name());
        assertEquals("aes-gcm-decrypt", DECRYPT.name());
        assertEquals(DeviceRole.TRANSFORM, ENCRYPT.role());
        assertEquals(DeviceRole.TRANSFORM, DECRYPT.role());
        final DeviceCapabilities encrypt = ENCRYPT.capabilities();
        assertEquals("aes-gcm-encrypt", encrypt.getKind());
        assertEquals("TRANSFORM", encrypt.getRole());
        assertEquals(List.of("aes-256-gcm", "encrypt", "authenticate"), encrypt.getFunctionsList());
        assertFalse(encrypt.getStateful(), "records are independent given their sequence");
        assertTrue(encrypt.getHasSoftwarePath());
        final DeviceCapabilities decrypt = DECRYPT.capabilities();
        assertEquals(List.of("aes-256-gcm", "decrypt", "verify"), decrypt.getFunctionsList());
        assertTrue(decrypt.getStateful(), "reassembles records and checks their order");
        assertTrue(decrypt.getHasSoftwarePath());
        assertEquals(FlowContext.MAX_CHUNK_BYTES, decrypt.getMaxChunkBytes());
        assertFalse(ENCRYPT.description().isBlank());
    }

    @Test
    void aSixteenByteKeyIsABadKeyNamingStageAndLength() {
        final FlowContext context = context(CHUNK, new SecretKeySpec(new byte[16], "AES"));
        final DeviceParams params = DeviceParams.of(ENCRYPT_STAGE, "key", KEY_NAME);
        for (Runnable check : List.<Runnable>of(() -> ENCRYPT.validate(params, context),
            () -> ENCRYPT.create(params, context),
            () -> DECRYPT.validate(DeviceParams.of(DECRYPT_STAGE, "key", KEY_NAME), context))) {
            final DeviceException e = assertFails("BAD_KEY", check);
            assertTrue(e.getMessage().matches("stage \\d \\(aes-gcm-(en|de)crypt\\): key 'k1' is 16 bytes long, .*"),
                e.getMessage());
        }
        final DeviceException reference = assertThrows(DeviceException.class, () -> AesGcmReference.encrypt(
            new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), new SecretKeySpec(new byte[16], "AES"),
            new byte[12], CHUNK));
        assertEquals("BAD_KEY", reference.code());
    }

    @Test
    void aKeyOfAnotherAlgorithmIsABadKey() {
        final FlowContext context = context(CHUNK, new SecretKeySpec(new byte[32], "HmacSHA256"));
        final DeviceException e = assertFails("BAD_KEY",
            () -> ENCRYPT.validate(DeviceParams.of(ENCRYPT_STAGE, "key", KEY_NAME), context));
        assertTrue(e.getMessage().contains("HmacSHA256"), e.getMessage());
    }

    @Test
    void parametersAreCheckedBeforeAnythingIsCreated() {
        final FlowContext context = context(CHUNK, CryptoFixtures.KEY);
        assertFails("BAD_PARAMETER", () -> ENCRYPT.validate(DeviceParams.of(ENCRYPT_STAGE), context));
        assertFails("NO_SUCH_KEY", () -> ENCRYPT.validate(DeviceParams.of(ENCRYPT_STAGE, "key", "k9"), context));
        final DeviceException shortSalt = assertFails("BAD_PARAMETER", () -> ENCRYPT.validate(
            DeviceParams.of(ENCRYPT_STAGE, "key", KEY_NAME, "salt-hex", "abcd"), context));
        assertTrue(shortSalt.getMessage().contains("'salt-hex'"), shortSalt.getMessage());
        assertFails("BAD_PARAMETER", () -> ENCRYPT.validate(
            DeviceParams.of(ENCRYPT_STAGE, "key", KEY_NAME, "salt-hex", "zz0102030405060708090a0b"), context));
        final DeviceException typo = assertFails("BAD_PARAMETER", () -> ENCRYPT.validate(
            DeviceParams.of(ENCRYPT_STAGE, "key", KEY_NAME, "salt_hex", SALT_HEX), context));
        assertTrue(typo.getMessage().contains("known: key, salt-hex"), typo.getMessage());
        assertFails("BAD_PARAMETER", () -> DECRYPT.validate(
            DeviceParams.of(DECRYPT_STAGE, "key", KEY_NAME, "salt-hex", SALT_HEX), context));
        ENCRYPT.validate(DeviceParams.of(ENCRYPT_STAGE, "key", KEY_NAME, "salt-hex", SALT_HEX), context);
        DECRYPT.validate(DeviceParams.of(DECRYPT_STAGE, "key", KEY_NAME), context);
    }

    @Test
    void withoutASaltParameterInstancesOfOneStageShareTheSaltAndOtherFlowsDoNot() {
        final FlowContext context = context(CHUNK, CryptoFixtures.KEY);
        final DeviceParams params = DeviceParams.of(ENCRYPT_STAGE, "key", KEY_NAME);
        final byte[] plaintext = data(100, 1);
        final byte[] one = new DeviceHarness(CHUNK).run((TransformDevice) ENCRYPT.create(params, context), plaintext);
        final byte[] again = new DeviceHarness(CHUNK).run((TransformDevice) ENCRYPT.create(params, context), plaintext);
        assertArrayEquals(one, again, "a replica or replacement in the same flow writes the same stream");
        final byte[] two = new DeviceHarness(CHUNK).run(
            (TransformDevice) ENCRYPT.create(params, context(CHUNK, CryptoFixtures.KEY)), plaintext);
        assertFalse(Arrays.equals(one, 16, 28, two, 16, 28), "another flow draws another salt");
        assertArrayEquals(plaintext, CryptoFixtures.referenceDecrypt(one, CryptoFixtures.KEY));
        assertArrayEquals(plaintext, CryptoFixtures.referenceDecrypt(two, CryptoFixtures.KEY));
    }

    @Test
    void encryptRejectsAChunkLargerThanTheFlowsChunkSizeAndReleasesIt() {
        final ChunkPool pool = new ChunkPool(2 * CHUNK, 2);
        final TransformDevice device = CryptoFixtures.encryptDevice(CHUNK, SALT_HEX);
        final Chunk chunk = pool.acquire();
        chunk.payload(Chunk.HEADROOM, CHUNK + 1);
        final DeviceException e = assertFails("BAD_INPUT", () -> device.accept(chunk));
        assertTrue(e.getMessage().startsWith(ENCRYPT_STAGE + ": chunk 0 carries 4097 bytes"), e.getMessage());
        assertEquals(2, pool.available());
        device.close();
    }

    @Test
    void encryptRejectsAChunkBeyondTheEndRecord() {
        final ChunkPool pool = new ChunkPool(CHUNK, 4);
        final TransformDevice device = CryptoFixtures.encryptDevice(CHUNK, SALT_HEX);
        final Chunk last = pool.acquire();
        last.payload(Chunk.HEADROOM, 10);
        last.header().sequence(0).flags(ChunkFlags.LAST);
        device.accept(last);
        device.poll(pool).release();
        final Chunk beyond = pool.acquire();
        beyond.payload(Chunk.HEADROOM, 10);
        beyond.header().sequence(1).byteOffset(10);
        assertFails("BAD_INPUT", () -> device.accept(beyond));
        device.close();
        assertEquals(4, pool.available());
    }

    @Test
    void theWarmUpRanOnceAndDidItsWork() {
        CryptoFixtures.encryptDevice(CHUNK, SALT_HEX).close();
        final long nanos = AesGcmWarmUp.ensureWarm();
        assertTrue(nanos > 0, "warm-up ran");
        assertEquals(nanos, AesGcmWarmUp.ensureWarm(), "and only once");
    }

    @Test
    void flowContextKeysAreLookedUpByName() {
        final FlowContext context = new FlowContext(1, CHUNK, Map.of("a", CryptoFixtures.KEY, "b",
            CryptoFixtures.OTHER_KEY));
        final byte[] plaintext = data(10, 3);
        final byte[] encrypted = new DeviceHarness(CHUNK).run((TransformDevice) ENCRYPT.create(
            DeviceParams.of(ENCRYPT_STAGE, "key", "b", "salt-hex", SALT_HEX), context), plaintext);
        assertArrayEquals(plaintext, CryptoFixtures.referenceDecrypt(encrypted, CryptoFixtures.OTHER_KEY));
    }
}
