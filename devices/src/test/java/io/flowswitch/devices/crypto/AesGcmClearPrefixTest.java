package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.CryptoFixtures.ENCRYPT_STAGE;
import static io.flowswitch.devices.crypto.CryptoFixtures.KEY;
import static io.flowswitch.devices.crypto.CryptoFixtures.KEY_NAME;
import static io.flowswitch.devices.crypto.CryptoFixtures.SALT_HEX;
import static io.flowswitch.devices.crypto.CryptoFixtures.assertFails;
import static io.flowswitch.devices.crypto.CryptoFixtures.context;
import static io.flowswitch.devices.crypto.CryptoFixtures.data;
import static io.flowswitch.devices.crypto.CryptoFixtures.deviceDecrypt;
import static io.flowswitch.devices.crypto.CryptoFixtures.referenceDecrypt;
import static io.flowswitch.devices.crypto.CryptoFixtures.salt;
import static io.flowswitch.devices.crypto.CryptoFixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.chunk.PassRange;
import io.flowswitch.devices.pass.PassKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AES-GCM with a pass-through range {@code 0..N}: each record's first N bytes stay in the clear and are
 * authenticated with the record (CLEAR_PREFIX in {@code docs/encrypted-format.md}); the rest is encrypted.
 */
class AesGcmClearPrefixTest {
    private static final int CHUNK = 4096;
    private static final int CLEAR = 16;
    private static final byte[] DATA = data(3 * CHUNK + 100, 91);
    /** What a 16-byte header program makes of it: each chunk of data with a header in front. */
    private static final byte[] FRAMED = framed(DATA, CHUNK, CLEAR);
    /** Records 0 to 2 carry 16 + 4096 bytes, record 3 carries 16 + 100, record 4 is the end record. */
    private static final int[] RECORD_AT = {32, 4184, 8336, 12488, 12644};

    /** The encrypt device run as FML's {@code via aes-gcm-encrypt(key = k1) pass 0..N} runs it. */
    private static TransformDevice passEncrypt(int chunkBytes, int from, int to) {
        return new PassKind(List.of(new AesGcmEncryptKind())).create(DeviceParams.of(ENCRYPT_STAGE,
            "device", AesGcmEncryptKind.NAME, "from", Integer.toString(from), "to", Integer.toString(to),
            "device.key", KEY_NAME, "device.salt-hex", SALT_HEX), context(chunkBytes, KEY));
    }

    /** Encrypts framed input, a chunk of {@code clear} header bytes and up to {@code chunkBytes} data each. */
    private static byte[] encryptWithClearPrefix(byte[] framed, int chunkBytes, int clear) {
        return new ChunkDriver(chunkBytes + clear, 8, 0).framed(clear)
            .run(passEncrypt(chunkBytes, 0, clear), framed, clear + chunkBytes);
    }

    /** {@code data} cut into pieces of {@code chunkBytes}, each after a header of {@code clear} bytes. */
    private static byte[] framed(byte[] data, int chunkBytes, int clear) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int k = 0; k * chunkBytes < data.length; k++) {
            final byte[] header = data(clear, 1000 + k);
            out.write(header, 0, clear);
            out.write(data, k * chunkBytes, Math.min(chunkBytes, data.length - k * chunkBytes));
        }
        return out.toByteArray();
    }

    private static byte[] referenceEncrypt(byte[] plaintext, int chunkBytes, int clear) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            AesGcmReference.encrypt(new ByteArrayInputStream(plaintext), out, KEY, salt(SALT_HEX), chunkBytes, clear);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "chunk {0}, {1} bytes, clear {2}")
    @CsvSource({"4096, 12388, 16", "4096, 0, 16", "4096, 10, 16", "4096, 4096, 64", "1024, 5000, 1", "1024, 2049, 64"})
    void roundTripIsByteIdenticalAndTheDeviceMatchesTheReference(int chunkBytes, int size, int clear) {
        final byte[] plaintext = framed(data(size, size + clear), chunkBytes, clear);
        final byte[] encrypted = encryptWithClearPrefix(plaintext, chunkBytes, clear);

        final int records = (size + chunkBytes - 1) / chunkBytes;
        assertEquals(AesGcmFormat.encryptedSize(size, chunkBytes) + (long) records * clear, encrypted.length,
            "each record grows by its clear header only");
        assertArrayEquals(referenceEncrypt(plaintext, chunkBytes, clear), encrypted,
            "device output must equal the reference's for the same salt");
        assertEquals(sha256(plaintext), sha256(deviceDecrypt(encrypted, chunkBytes, KEY)));
        assertEquals(sha256(plaintext), sha256(referenceDecrypt(encrypted, KEY)));
        assertEquals(sha256(plaintext), sha256(IndependentDecryptor.decrypt(encrypted, KEY)));
    }

    @Test
    void eachRecordCarriesItsFirstBytesInTheClearAndTheRestEncrypted() {
        final byte[] encrypted = encryptWithClearPrefix(FRAMED, CHUNK, CLEAR);
        final int[] lengths = {CHUNK, CHUNK, CHUNK, 100};
        for (int s = 0; s < lengths.length; s++) {
            final int record = RECORD_AT[s];
            final ByteBuffer header = ByteBuffer.wrap(encrypted).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals((long) s * CHUNK, header.getLong(record + 8), "plaintext offset of record " + s
                + ": the data's, headers not counted");
            assertEquals(CLEAR + lengths[s], header.getInt(record + 16), "length of record " + s);
            assertEquals(AesGcmFormat.FLAG_CLEAR_PREFIX | CLEAR << 8, header.getInt(record + 20), "flags of record " + s);
            final int framedAt = s * (CLEAR + CHUNK);
            assertArrayEquals(Arrays.copyOfRange(FRAMED, framedAt, framedAt + CLEAR),
                Arrays.copyOfRange(encrypted, record + 24, record + 24 + CLEAR), "clear bytes of record " + s);
            assertTrue(!Arrays.equals(DATA, s * CHUNK, s * CHUNK + lengths[s], encrypted, record + 24 + CLEAR,
                record + 24 + CLEAR + lengths[s]), "the data of record " + s + " is encrypted");
        }
        final int endFlags = ByteBuffer.wrap(encrypted, RECORD_AT[4] + 20, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertEquals(AesGcmFormat.FLAG_FINAL, endFlags, "the end record has no clear prefix");
    }

    @ParameterizedTest
    @EnumSource(AesGcmTamperTest.Decryptor.class)
    void aFlippedBitInTheClearHeaderFailsAuthenticationNamingTheRecord(AesGcmTamperTest.Decryptor decryptor) {
        final byte[] encrypted = encryptWithClearPrefix(FRAMED, CHUNK, CLEAR);
        decryptor.fails("AUTH_FAILED", flip(encrypted, RECORD_AT[2] + 24 + 3, 5), "record 2 at byte 8336",
            "failed authentication");
        decryptor.fails("AUTH_FAILED", flip(encrypted, RECORD_AT[0] + 24 + CLEAR - 1, 0), "record 0 at byte 32");
        // The clear length itself is authenticated: 16 -> 17 moves one encrypted byte into the clear.
        decryptor.fails("AUTH_FAILED", flip(encrypted, RECORD_AT[1] + 21, 0), "record 1 at byte 4184");
        // Flag off: the 16 bytes would be decrypted as ciphertext.
        decryptor.fails("AUTH_FAILED", flip(encrypted, RECORD_AT[3] + 20, 1), "record 3 at byte 12488");
        assertEquals("AUTH_FAILED", assertRejected(flip(encrypted, RECORD_AT[2] + 24 + 3, 5)));
    }

    @ParameterizedTest
    @EnumSource(AesGcmTamperTest.Decryptor.class)
    void aClearPrefixLongerThanTheRecordIsRejectedBeforeTheBodyIsRead(AesGcmTamperTest.Decryptor decryptor) {
        final byte[] encrypted = encryptWithClearPrefix(FRAMED, CHUNK, CLEAR);
        // Record 3 carries 116 bytes; a clear length of 16 + 128 = 144 is more.
        decryptor.fails("BAD_FORMAT", flip(encrypted, RECORD_AT[3] + 21, 7), "record 3 at byte 12488",
            "clear prefix of 144 bytes, more than its 116 plaintext bytes");
        assertEquals("BAD_FORMAT", assertRejected(flip(encrypted, RECORD_AT[3] + 21, 7)));
    }

    @Test
    void aDecryptorWrittenFromTheDocumentReadsRecordsAKeyHolderWroteWithAClearPrefix() {
        final byte[] fileHeader = IndependentDecryptor.fileHeader(1024, salt(SALT_HEX));
        final byte[] first = data(40, 1);
        final byte[] stream = concat(fileHeader,
            IndependentDecryptor.clearPrefixRecord(KEY, fileHeader, 0, 0, first, 10),
            IndependentDecryptor.record(KEY, fileHeader, 1, 1, 1, 30, new byte[0], AesGcmFormat.FLAG_FINAL));
        assertArrayEquals(first, deviceDecrypt(stream, 1024, KEY));
        assertArrayEquals(first, referenceDecrypt(stream, KEY));
        assertArrayEquals(Arrays.copyOf(first, 10), Arrays.copyOfRange(stream, 32 + 24, 32 + 24 + 10));
    }

    @Test
    void aRangeThatDoesNotStartAtZeroIsRefusedByTheKindAndByTheDevice() {
        final DeviceException kind = assertFails("BAD_PARAMETER", () -> passEncrypt(CHUNK, 4, 16));
        assertTrue(kind.getMessage().contains("'from'") && kind.getMessage().contains("must be 0"), kind.getMessage());

        final ChunkPool pool = new ChunkPool(CHUNK, 2);
        try (TransformDevice device = CryptoFixtures.encryptDevice(CHUNK, SALT_HEX)) {
            final Chunk chunk = pool.acquire();
            chunk.payload(Chunk.HEADROOM, 100);
            chunk.header().flowId(7).sequence(0).byteOffset(0);
            PassRange.set(chunk, 4, 16);
            final DeviceException e = assertFails("BAD_INPUT", () -> device.accept(chunk));
            assertTrue(e.getMessage().contains("chunk 0 asks to pass bytes 4 to 16"), e.getMessage());
        }
        assertEquals(2, pool.available(), "the refused chunk went back to the pool");
    }

    private static String assertRejected(byte[] stream) {
        try {
            IndependentDecryptor.decrypt(stream, KEY);
        } catch (IndependentDecryptor.Rejected e) {
            return e.code;
        }
        throw new AssertionError("the independent decryptor accepted a modified stream");
    }

    private static byte[] flip(byte[] stream, int at, int bit) {
        final byte[] copy = stream.clone();
        copy[at] ^= (byte) (1 << bit);
        return copy;
    }

    private static byte[] concat(byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }
}
