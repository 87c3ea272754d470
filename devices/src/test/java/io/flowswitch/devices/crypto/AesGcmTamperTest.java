package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.CryptoFixtures.DECRYPT_STAGE;
import static io.flowswitch.devices.crypto.CryptoFixtures.KEY;
import static io.flowswitch.devices.crypto.CryptoFixtures.OTHER_KEY;
import static io.flowswitch.devices.crypto.CryptoFixtures.OTHER_SALT_HEX;
import static io.flowswitch.devices.crypto.CryptoFixtures.SALT_HEX;
import static io.flowswitch.devices.crypto.CryptoFixtures.assertFails;
import static io.flowswitch.devices.crypto.CryptoFixtures.data;
import static io.flowswitch.devices.crypto.CryptoFixtures.decryptDevice;
import static io.flowswitch.devices.crypto.CryptoFixtures.deviceEncrypt;
import static io.flowswitch.devices.crypto.CryptoFixtures.referenceDecrypt;
import static io.flowswitch.devices.crypto.CryptoFixtures.salt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every change to an encrypted stream is caught, with the same code and the same position from the
 * device (whatever the input chunking) and from the reference.
 */
class AesGcmTamperTest {
    private static final int CHUNK = 4096;
    private static final byte[] PLAINTEXT = data(3 * CHUNK + 100, 77);
    /** Records 0 to 2 carry 4096 bytes, record 3 carries 100, record 4 is the end record. */
    private static final byte[] STREAM = deviceEncrypt(PLAINTEXT, CHUNK, SALT_HEX);
    private static final int[] RECORD_AT = {32, 4168, 8304, 12440, 12580};
    private static final int END = 12620;

    enum Decryptor {
        DEVICE_IN_CHUNKS_OF_4096(CHUNK),
        DEVICE_IN_CHUNKS_OF_1000(1000),
        DEVICE_IN_CHUNKS_OF_7(7),
        REFERENCE(0);

        private final int sliceBytes;

        Decryptor(int sliceBytes) {
            this.sliceBytes = sliceBytes;
        }

        byte[] decrypt(byte[] stream, SecretKey key) {
            if (sliceBytes == 0) {
                return referenceDecrypt(stream, key);
            }
            // The flow's chunks are larger than the stream's, so that a stream chunk size changed upwards
            // reaches authentication here as it does in the reference.
            return new ChunkDriver(2 * CHUNK, 8, 0).run(decryptDevice(2 * CHUNK, key), stream, sliceBytes);
        }

        String where() {
            return sliceBytes == 0 ? "aes-gcm reference" : DECRYPT_STAGE;
        }

        /** Asserts the failure's code and that its message names the place, and returns the message. */
        String fails(String code, byte[] stream, SecretKey key, String... mentions) {
            final DeviceException e = assertFails(code, () -> decrypt(stream, key));
            final String message = e.getMessage();
            assertTrue(message.startsWith(where() + ": "), message);
            for (String mention : mentions) {
                assertTrue(message.contains(mention), () -> "'" + mention + "' missing in: " + message);
            }
            assertEquals(-1, message.indexOf('\n'), "one line");
            return message;
        }

        String fails(String code, byte[] stream, String... mentions) {
            return fails(code, stream, KEY, mentions);
        }
    }

    @Test
    void theTestStreamHasTheLayoutTheTestsAssume() {
        assertEquals(END, STREAM.length);
        for (int s = 0; s < RECORD_AT.length; s++) {
            assertEquals(s, readLong(STREAM, RECORD_AT[s]), "sequence of record " + s);
        }
        assertArrayEquals(PLAINTEXT, IndependentDecryptor.decrypt(STREAM, KEY));
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void anUntouchedStreamDecrypts(Decryptor decryptor) {
        assertArrayEquals(PLAINTEXT, decryptor.decrypt(STREAM, KEY));
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void aFlippedCiphertextBitFailsAuthentication(Decryptor decryptor) {
        decryptor.fails("AUTH_FAILED", flip(STREAM, RECORD_AT[1] + 24 + 10, 3), "record 1 at byte 4168",
            "failed authentication");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void aFlippedTagBitFailsAuthentication(Decryptor decryptor) {
        decryptor.fails("AUTH_FAILED", flip(STREAM, RECORD_AT[2] + 24 + CHUNK + 15, 7), "record 2 at byte 8304");
        decryptor.fails("AUTH_FAILED", flip(STREAM, RECORD_AT[4] + 24, 0), "record 4 at byte 12580");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void aFlippedRecordHeaderBitFailsAuthentication(Decryptor decryptor) {
        decryptor.fails("AUTH_FAILED", flip(STREAM, RECORD_AT[1], 0), "record 1 at byte 4168"); // sequence
        decryptor.fails("AUTH_FAILED", flip(STREAM, RECORD_AT[1] + 8, 2), "record 1 at byte 4168"); // offset
        decryptor.fails("AUTH_FAILED", flip(STREAM, RECORD_AT[1] + 20, 0), "record 1 at byte 4168"); // FINAL on
        decryptor.fails("AUTH_FAILED", flip(STREAM, RECORD_AT[1] + 23, 7), "record 1 at byte 4168"); // unknown flag
        decryptor.fails("AUTH_FAILED", flip(STREAM, RECORD_AT[4] + 20, 0), "record 4 at byte 12580"); // FINAL off
        // Length 100 -> 101: the record takes one more byte, so the tag is read from the wrong place.
        decryptor.fails("AUTH_FAILED", flip(STREAM, RECORD_AT[3] + 16, 0), "record 3 at byte 12440");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void aLengthAboveTheChunkSizeIsRejectedBeforeTheBodyIsRead(Decryptor decryptor) {
        decryptor.fails("BAD_FORMAT", flip(STREAM, RECORD_AT[1] + 16, 4), "record 1 at byte 4168",
            "claims 4112 plaintext bytes", "chunk size of 4096");
        final byte[] huge = STREAM.clone();
        Arrays.fill(huge, RECORD_AT[2] + 16, RECORD_AT[2] + 20, (byte) 0xFF);
        decryptor.fails("BAD_FORMAT", huge, "record 2 at byte 8304", "claims 4294967295 plaintext bytes");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void aChangedSaltOrChunkSizeFailsAuthenticationOfRecordZero(Decryptor decryptor) {
        decryptor.fails("AUTH_FAILED", flip(STREAM, 16, 0), "record 0 at byte 32");
        decryptor.fails("AUTH_FAILED", flip(STREAM, 27, 5), "record 0 at byte 32");
        decryptor.fails("AUTH_FAILED", flip(STREAM, 12, 0), "record 0 at byte 32"); // 4096 -> 4097
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void aBadMagicSaysItIsNotAFlowswitchStream(Decryptor decryptor) {
        decryptor.fails("BAD_FORMAT", flip(STREAM, 0, 1), "not a flowswitch encrypted stream");
        decryptor.fails("BAD_FORMAT", "%PDF-1.7 and more text".getBytes(StandardCharsets.US_ASCII),
            "not a flowswitch encrypted stream");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void anUnknownVersionFlagsReservedOrChunkSizeIsABadFormat(Decryptor decryptor) {
        decryptor.fails("BAD_FORMAT", withShort(STREAM, 8, 2), "version 2 at byte 8");
        decryptor.fails("BAD_FORMAT", withShort(STREAM, 10, 1), "flags 1 at byte 10");
        decryptor.fails("BAD_FORMAT", flip(STREAM, 30, 0), "reserved bytes 28 to 31");
        decryptor.fails("BAD_FORMAT", withInt(STREAM, 12, 0), "chunk size of 0 bytes at byte 12");
        decryptor.fails("BAD_FORMAT", withInt(STREAM, 12, (1 << 20) + 1), "chunk size of 1048577 bytes at byte 12");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void truncationAnywhereIsDetected(Decryptor decryptor) {
        decryptor.fails("TRUNCATED", cut(STREAM, 0), "ended at byte 0", "file header");
        decryptor.fails("TRUNCATED", cut(STREAM, 5), "ended at byte 5", "file header");
        decryptor.fails("TRUNCATED", cut(STREAM, 31), "ended at byte 31", "file header");
        decryptor.fails("TRUNCATED", cut(STREAM, 32), "ended at byte 32, where record 0 should start");
        decryptor.fails("TRUNCATED", cut(STREAM, 40), "ended at byte 40, inside record 0 that starts at byte 32");
        decryptor.fails("TRUNCATED", cut(STREAM, RECORD_AT[1]), "ended at byte 4168, where record 1 should start");
        decryptor.fails("TRUNCATED", cut(STREAM, 5000), "ended at byte 5000, inside record 1 that starts at byte 4168");
        decryptor.fails("TRUNCATED", cut(STREAM, RECORD_AT[4]), "ended at byte 12580, where record 4 should start",
            "without its end record");
        decryptor.fails("TRUNCATED", cut(STREAM, RECORD_AT[4] + 24), "inside record 4 that starts at byte 12580");
        decryptor.fails("TRUNCATED", cut(STREAM, END - 1), "ended at byte 12619, inside record 4");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void reorderedRecordsFailAuthentication(Decryptor decryptor) {
        final byte[] swapped = concat(slice(0, RECORD_AT[1]), slice(RECORD_AT[2], RECORD_AT[3]),
            slice(RECORD_AT[1], RECORD_AT[2]), slice(RECORD_AT[3], END));
        assertEquals(END, swapped.length);
        decryptor.fails("AUTH_FAILED", swapped, "record 1 at byte 4168");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void aReplayedRecordFailsAuthentication(Decryptor decryptor) {
        final byte[] replayed = concat(slice(0, RECORD_AT[2]), slice(RECORD_AT[1], RECORD_AT[2]),
            slice(RECORD_AT[2], END));
        decryptor.fails("AUTH_FAILED", replayed, "record 2 at byte 8304");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void aDroppedRecordFailsAuthentication(Decryptor decryptor) {
        decryptor.fails("AUTH_FAILED", concat(slice(0, RECORD_AT[1]), slice(RECORD_AT[2], END)),
            "record 1 at byte 4168");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void aRecordSplicedFromAnotherStreamFailsAuthentication(Decryptor decryptor) {
        // Same key, same plaintext, same positions: only the salt differs.
        final byte[] other = deviceEncrypt(PLAINTEXT, CHUNK, OTHER_SALT_HEX);
        decryptor.fails("AUTH_FAILED", concat(slice(0, RECORD_AT[1]), Arrays.copyOfRange(other, RECORD_AT[1],
            RECORD_AT[2]), slice(RECORD_AT[2], END)), "record 1 at byte 4168");
        decryptor.fails("AUTH_FAILED", concat(slice(0, RECORD_AT[4]), Arrays.copyOfRange(other, RECORD_AT[4], END)),
            "record 4 at byte 12580");
        // The other stream's file header in front of this stream's records.
        decryptor.fails("AUTH_FAILED", concat(Arrays.copyOf(other, 32), slice(32, END)), "record 0 at byte 32");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void dataAfterTheEndRecordIsABadFormat(Decryptor decryptor) {
        decryptor.fails("BAD_FORMAT", concat(STREAM, new byte[1]), "data follows the end record, at byte 12620");
        decryptor.fails("BAD_FORMAT", concat(STREAM, slice(RECORD_AT[4], END)), "at byte 12620");
        decryptor.fails("BAD_FORMAT", concat(STREAM, STREAM), "at byte 12620");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void theWrongKeyFailsAuthenticationOfTheFirstRecord(Decryptor decryptor) {
        decryptor.fails("AUTH_FAILED", STREAM, OTHER_KEY, "record 0 at byte 32");
        final byte[] empty = deviceEncrypt(new byte[0], CHUNK, SALT_HEX);
        decryptor.fails("AUTH_FAILED", empty, OTHER_KEY, "record 0 at byte 32");
    }

    @ParameterizedTest
    @EnumSource(Decryptor.class)
    void anAuthenticRecordWithAnInconsistentHeaderIsABadFormat(Decryptor decryptor) {
        final byte[] fileHeader = IndependentDecryptor.fileHeader(CHUNK, salt(SALT_HEX));
        final byte[] five = {1, 2, 3, 4, 5};
        // A writer with the key that numbers its records wrongly, or misstates the plaintext offset.
        decryptor.fails("BAD_FORMAT", concat(fileHeader,
                IndependentDecryptor.record(KEY, fileHeader, 0, 0, 1, 0, five, 0)),
            "record 0 at byte 32 is authentic but its header says sequence 1");
        decryptor.fails("BAD_FORMAT", concat(fileHeader,
                IndependentDecryptor.record(KEY, fileHeader, 0, 0, 0, 9, five, 0)),
            "plaintext offset 9");
        // An end record that carries plaintext.
        decryptor.fails("BAD_FORMAT", concat(fileHeader,
            IndependentDecryptor.record(KEY, fileHeader, 0, 1, 0, 0, five, 1)), "record 0 at byte 32", "flags 1");
        // An unknown flag, authenticated.
        decryptor.fails("BAD_FORMAT", concat(fileHeader,
            IndependentDecryptor.record(KEY, fileHeader, 0, 0, 0, 0, five, 4)), "flags 4");
    }

    @Test
    void theDeviceRefusesAStreamWithLargerChunksThanTheFlow() {
        final byte[] big = deviceEncrypt(data(10, 1), 64 * 1024, SALT_HEX);
        final DeviceException e = assertFails("BAD_CHUNK_SIZE",
            () -> new ChunkDriver(CHUNK, 4, 0).run(decryptDevice(CHUNK, KEY), big, CHUNK));
        assertTrue(e.getMessage().contains("65536-byte chunks"), e.getMessage());
    }

    @Test
    void theDeviceRepeatsItsErrorAndTakesNoMoreInput() {
        final TransformDevice device = decryptDevice(CHUNK, KEY);
        final ChunkPool pool = new ChunkPool(CHUNK, 2);
        final Chunk chunk = pool.acquire();
        System.arraycopy(STREAM, 0, chunk.array(), Chunk.HEADROOM, 100);
        chunk.array()[Chunk.HEADROOM] ^= 1;
        chunk.payload(Chunk.HEADROOM, 100);
        device.accept(chunk);
        final DeviceException first = assertThrows(DeviceException.class, () -> device.poll(pool));
        assertEquals(2, pool.available(), "the failed input went back to the pool");
        assertTrue(!device.needsInput() && !device.isFinished());
        assertEquals(first, assertThrows(DeviceException.class, () -> device.poll(pool)));
        device.close();
    }

    @Test
    void theIndependentDecryptorRejectsWhatTheDevicesReject() {
        final String[][] cases = {
            {"AUTH_FAILED", "flip"}, {"TRUNCATED", "cut"}, {"BAD_FORMAT", "after"}, {"BAD_FORMAT", "magic"}};
        for (String[] c : cases) {
            final byte[] bad = switch (c[1]) {
                case "flip" -> flip(STREAM, RECORD_AT[1] + 100, 0);
                case "cut" -> cut(STREAM, RECORD_AT[4]);
                case "after" -> concat(STREAM, new byte[3]);
                default -> flip(STREAM, 3, 0);
            };
            final IndependentDecryptor.Rejected e = assertThrows(IndependentDecryptor.Rejected.class,
                () -> IndependentDecryptor.decrypt(bad, KEY));
            assertEquals(c[0], e.code, c[1]);
        }
    }

    private static byte[] flip(byte[] stream, int index, int bit) {
        final byte[] copy = stream.clone();
        copy[index] ^= (byte) (1 << bit);
        return copy;
    }

    private static byte[] cut(byte[] stream, int length) {
        return Arrays.copyOf(stream, length);
    }

    private static byte[] slice(int from, int to) {
        return Arrays.copyOfRange(STREAM, from, to);
    }

    private static byte[] withShort(byte[] stream, int index, int value) {
        final byte[] copy = stream.clone();
        copy[index] = (byte) value;
        copy[index + 1] = (byte) (value >>> 8);
        return copy;
    }

    private static byte[] withInt(byte[] stream, int index, int value) {
        final byte[] copy = withShort(stream, index, value & 0xFFFF);
        return withShort(copy, index + 2, value >>> 16);
    }

    private static long readLong(byte[] stream, int index) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (stream[index + i] & 0xFF);
        }
        return value;
    }

    private static byte[] concat(byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }
}
