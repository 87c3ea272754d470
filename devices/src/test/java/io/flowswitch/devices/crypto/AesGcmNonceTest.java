package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.CryptoFixtures.SALT_HEX;
import static io.flowswitch.devices.crypto.CryptoFixtures.data;
import static io.flowswitch.devices.crypto.CryptoFixtures.encryptDevice;
import static io.flowswitch.devices.crypto.CryptoFixtures.salt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Nonces: unique per record, identical for a re-issued record, and the plumbing checked against NIST. */
class AesGcmNonceTest {
    private static final int CHUNK = 4096;

    @Test
    void reissuedChunkGetsIdenticalCiphertext() {
        final byte[][] plaintexts = {data(CHUNK, 1), data(CHUNK, 2), data(CHUNK, 3)};
        final ChunkPool pool = new ChunkPool(CHUNK, 4);
        final TransformDevice device = encryptDevice(CHUNK, SALT_HEX);
        final byte[][] first = new byte[3][];
        for (int s = 0; s < 3; s++) {
            first[s] = encryptOne(device, pool, s, plaintexts[s]);
        }
        // Re-issued on the same instance, straight after and later: the JDK's guard against encrypting
        // twice in a row under one nonce must not get in the way, and the bytes must not change.
        assertArrayEquals(first[2], encryptOne(device, pool, 2, plaintexts[2]));
        assertArrayEquals(first[2], encryptOne(device, pool, 2, plaintexts[2]));
        assertArrayEquals(first[1], encryptOne(device, pool, 1, plaintexts[1]));
        assertArrayEquals(first[0], encryptOne(device, pool, 0, plaintexts[0]));
        device.close();
        // And on a fresh instance that replaces a failed one, given the same salt.
        final TransformDevice restarted = encryptDevice(CHUNK, SALT_HEX);
        assertArrayEquals(first[1], encryptOne(restarted, pool, 1, plaintexts[1]));
        restarted.close();
        assertEquals(4, pool.available());
    }

    @Test
    void differentSequencesNeverShareANonce() {
        final byte[] salt = salt(SALT_HEX);
        final Set<String> seen = new HashSet<>();
        final byte[] nonce = new byte[AesGcmFormat.NONCE_LENGTH];
        final long[] far = {Long.MAX_VALUE, Long.MAX_VALUE - 1, 1L << 32, (1L << 32) - 1, 1L << 62};
        int count = 0;
        for (boolean end : new boolean[] {false, true}) {
            for (long s = 0; s < 100_000; s++) {
                AesGcmFormat.nonce(salt, s, end, nonce);
                seen.add(HexFormat.of().formatHex(nonce));
                count++;
            }
            for (long s : far) {
                AesGcmFormat.nonce(salt, s, end, nonce);
                seen.add(HexFormat.of().formatHex(nonce));
                count++;
            }
        }
        assertEquals(count, seen.size(), "every (sequence, kind) has its own nonce");

        // The same plaintext under two sequences gives unrelated ciphertext.
        final ChunkPool pool = new ChunkPool(CHUNK, 2);
        final TransformDevice device = encryptDevice(CHUNK, SALT_HEX);
        final byte[] plaintext = data(CHUNK, 9);
        final byte[] one = encryptOne(device, pool, 1, plaintext);
        final byte[] two = encryptOne(device, pool, 2, plaintext);
        device.close();
        final int body = AesGcmFormat.RECORD_HEADER_LENGTH;
        assertFalse(Arrays.equals(one, body, one.length, two, body, two.length));
        assertFalse(Arrays.equals(one, body, body + 16, two, body, body + 16), "keystreams differ");
    }

    @Test
    void nonceIsSaltXorKindAndBigEndianSequence() {
        final byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b");
        final byte[] nonce = new byte[12];
        AesGcmFormat.nonce(salt, 0x0102030405060708L, false, nonce);
        assertEquals("00010203" + "050705030d0f0d03", HexFormat.of().formatHex(nonce));
        AesGcmFormat.nonce(salt, 0, true, nonce);
        assertEquals("000102020405060708090a0b", HexFormat.of().formatHex(nonce), "the worked example's nonce");
    }

    /**
     * McGrew and Viega, "The Galois/Counter Mode of Operation", test case 16 (AES-256, 60-byte plaintext,
     * 20 bytes of AAD), and test case 14 (AES-256, zero key, one zero block, no AAD). The vector's IV is
     * reached through the same salt-and-sequence derivation the devices use.
     */
    @Test
    void publishedAes256GcmVectorsPassThroughTheRecordPlumbing() throws AEADBadTagException {
        checkVector(
            "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
            "cafebabefacedbaddecaf888",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
            "76fc6ece0f4e1768cddf8853bb2d551b");
        checkVector(
            "0000000000000000000000000000000000000000000000000000000000000000",
            "000000000000000000000000",
            "00000000000000000000000000000000",
            "",
            "cea7403d4d606b6e074ec5d3baf39d18",
            "d0d1c8a799996bf0265b98b5d48ab919");
    }

    private static void checkVector(String keyHex, String ivHex, String plaintextHex, String aadHex,
                                    String ciphertextHex, String tagHex) throws AEADBadTagException {
        final HexFormat hex = HexFormat.of();
        final SecretKeySpec key = new SecretKeySpec(hex.parseHex(keyHex), "AES");
        final byte[] iv = hex.parseHex(ivHex);
        final byte[] plaintext = hex.parseHex(plaintextHex);
        final byte[] aad = hex.parseHex(aadHex);
        final String expected = ciphertextHex + tagHex;
        for (boolean end : new boolean[] {false, true}) {
            final long sequence = 0x0123456789abcdefL;
            // Choose the salt so that salt XOR (kind || sequence) is the vector's IV.
            final byte[] mask = ByteBuffer.allocate(12).putInt(end ? 1 : 0).putLong(sequence).array();
            final byte[] salt = new byte[12];
            for (int i = 0; i < 12; i++) {
                salt[i] = (byte) (iv[i] ^ mask[i]);
            }
            final RecordCipher cipher = new RecordCipher("vector", key).salt(salt);
            final byte[] buffer = Arrays.copyOf(plaintext, plaintext.length + AesGcmFormat.TAG_LENGTH);
            cipher.startSeal(sequence, end);
            cipher.aad(aad, 0, aad.length);
            assertEquals(buffer.length, cipher.finishSeal(buffer, 0, plaintext.length));
            assertEquals(expected, hex.formatHex(buffer), "seal, end record " + end);

            final byte[] opened = new byte[plaintext.length];
            cipher.startOpen(sequence, end);
            cipher.aad(aad, 0, aad.length);
            assertEquals(plaintext.length, cipher.finishOpen(buffer, 0, buffer.length, opened, 0));
            assertArrayEquals(plaintext, opened, "open, end record " + end);
        }
    }

    /** Encrypts one chunk with the given sequence (offset = sequence × chunk) and returns the device's bytes. */
    private static byte[] encryptOne(TransformDevice device, ChunkPool pool, long sequence, byte[] plaintext) {
        final Chunk chunk = pool.acquire();
        System.arraycopy(plaintext, 0, chunk.array(), Chunk.HEADROOM, plaintext.length);
        chunk.payload(Chunk.HEADROOM, plaintext.length);
        chunk.header().flowId(7).sequence(sequence).byteOffset(sequence * CHUNK);
        device.accept(chunk);
        final Chunk out = device.poll(pool);
        final byte[] bytes = AesGcmRoundTripTest.payload(out);
        out.release();
        return bytes;
    }
}
