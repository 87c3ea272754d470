package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.CryptoFixtures.data;
import static io.flowswitch.devices.crypto.CryptoFixtures.deviceEncrypt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.testkit.DeviceHarness;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** What docs/encrypted-format.md says, checked: its tables, its worked example, and a decryptor built from it. */
class EncryptedFormatDocTest {
    /** The worked example: zero key, salt 00..0B, chunk size 4096, empty plaintext. */
    private static final String WORKED_EXAMPLE = ""
        + "464C4F5753574743" + "0100" + "0000" + "00100000" + "000102030405060708090A0B" + "00000000"
        + "0000000000000000" + "0000000000000000" + "00000000" + "01000000"
        + "25CAA8C29E509F2496931247F8EA3618";
    private static final SecretKey ZERO_KEY = new SecretKeySpec(new byte[32], "AES");

    @Test
    void theConstantsAreTheDocumentsTables() {
        assertEquals(32, AesGcmFormat.FILE_HEADER_LENGTH);
        assertEquals(8, AesGcmFormat.VERSION_OFFSET);
        assertEquals(10, AesGcmFormat.FILE_FLAGS_OFFSET);
        assertEquals(12, AesGcmFormat.CHUNK_BYTES_OFFSET);
        assertEquals(16, AesGcmFormat.SALT_OFFSET);
        assertEquals(28, AesGcmFormat.RESERVED_OFFSET);
        assertEquals(24, AesGcmFormat.RECORD_HEADER_LENGTH);
        assertEquals(8, AesGcmFormat.PLAINTEXT_OFFSET_OFFSET);
        assertEquals(16, AesGcmFormat.PLAINTEXT_LENGTH_OFFSET);
        assertEquals(20, AesGcmFormat.RECORD_FLAGS_OFFSET);
        assertEquals(16, AesGcmFormat.TAG_LENGTH);
        assertEquals(1_048_576, AesGcmFormat.MAX_CHUNK_BYTES);
        assertEquals(72, AesGcmFormat.encryptedSize(0, 4096));
        assertEquals(32 + 40 * (3 + 1) + 8193, AesGcmFormat.encryptedSize(8193, 4096), "3 data records and the end");
    }

    @Test
    void theWorkedExampleIsWhatTheDeviceAndTheReferenceWrite() {
        final byte[] expected = HexFormat.of().parseHex(WORKED_EXAMPLE);
        assertArrayEquals(expected, CryptoFixtures.referenceEncrypt(new byte[0], 4096, "000102030405060708090a0b",
            ZERO_KEY));
        final TransformDevice device = (TransformDevice) new AesGcmEncryptKind().create(
            DeviceParams.of("example", "key", "zero", "salt-hex", "000102030405060708090a0b"),
            new FlowContext(1, 4096, Map.of("zero", ZERO_KEY)));
        assertArrayEquals(expected, new DeviceHarness(4096).run(device, new byte[0]));
        assertArrayEquals(new byte[0], IndependentDecryptor.decrypt(expected, ZERO_KEY));
    }

    @Test
    void aDecryptorWrittenFromTheDocumentReadsDeviceOutput() {
        for (int size : new int[] {0, 1, 4095, 4096, 4097, 1 << 20}) {
            final byte[] plaintext = data(size, size + 1);
            assertArrayEquals(plaintext, IndependentDecryptor.decrypt(
                deviceEncrypt(plaintext, 4096, CryptoFixtures.SALT_HEX), CryptoFixtures.KEY), "size " + size);
        }
    }

    @Test
    void theDeviceReadsRecordsWrittenFromTheDocument() {
        // Records of uneven lengths, as a source with short reads would give them.
        final byte[] salt = CryptoFixtures.salt(CryptoFixtures.OTHER_SALT_HEX);
        final byte[] fileHeader = IndependentDecryptor.fileHeader(4096, salt);
        final byte[] a = data(4096, 1);
        final byte[] b = data(10, 2);
        final byte[] c = data(3000, 3);
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(fileHeader);
        stream.writeBytes(IndependentDecryptor.record(CryptoFixtures.KEY, fileHeader, 0, 0, 0, 0, a, 0));
        stream.writeBytes(IndependentDecryptor.record(CryptoFixtures.KEY, fileHeader, 1, 0, 1, 4096, b, 0));
        stream.writeBytes(IndependentDecryptor.record(CryptoFixtures.KEY, fileHeader, 2, 0, 2, 4106, c, 0));
        stream.writeBytes(IndependentDecryptor.record(CryptoFixtures.KEY, fileHeader, 3, 1, 3, 7106, new byte[0], 1));
        final byte[] plaintext = concat(a, b, c);
        assertArrayEquals(plaintext, CryptoFixtures.deviceDecrypt(stream.toByteArray(), 4096, CryptoFixtures.KEY));
        assertArrayEquals(plaintext, CryptoFixtures.referenceDecrypt(stream.toByteArray(), CryptoFixtures.KEY));
    }

    private static byte[] concat(byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
