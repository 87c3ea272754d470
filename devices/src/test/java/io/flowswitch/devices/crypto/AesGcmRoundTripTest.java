package io.flowswitch.devices.crypto;

import static io.flowswitch.devices.crypto.CryptoFixtures.KEY;
import static io.flowswitch.devices.crypto.CryptoFixtures.SALT_HEX;
import static io.flowswitch.devices.crypto.CryptoFixtures.data;
import static io.flowswitch.devices.crypto.CryptoFixtures.decryptDevice;
import static io.flowswitch.devices.crypto.CryptoFixtures.deviceDecrypt;
import static io.flowswitch.devices.crypto.CryptoFixtures.deviceEncrypt;
import static io.flowswitch.devices.crypto.CryptoFixtures.encryptDevice;
import static io.flowswitch.devices.crypto.CryptoFixtures.referenceDecrypt;
import static io.flowswitch.devices.crypto.CryptoFixtures.referenceEncrypt;
import static io.flowswitch.devices.crypto.CryptoFixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AesGcmRoundTripTest {
    private static final int SMALL = 4096;
    private static final int DEFAULT = 64 * 1024;

    static Stream<Arguments> sizes() {
        final List<Arguments> cases = new ArrayList<>();
        for (int chunk : new int[] {SMALL, DEFAULT}) {
            for (int size : new int[] {0, 1, chunk - 1, chunk, chunk + 1, 3 * 1024 * 1024 + 17}) {
                cases.add(Arguments.of(chunk, size));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "chunk {0}, {1} bytes")
    @MethodSource("sizes")
    void deviceRoundTripIsByteIdenticalAndMatchesTheReference(int chunkBytes, int size) {
        final byte[] plaintext = data(size, size);

        final byte[] encrypted = deviceEncrypt(plaintext, chunkBytes, SALT_HEX);
        assertEquals(AesGcmFormat.encryptedSize(size, chunkBytes), encrypted.length);
        assertArrayEquals(referenceEncrypt(plaintext, chunkBytes, SALT_HEX), encrypted,
            "device output must equal the reference's for the same salt");

        assertEquals(sha256(plaintext), sha256(deviceDecrypt(encrypted, chunkBytes, KEY)));
        assertEquals(sha256(plaintext), sha256(referenceDecrypt(encrypted, KEY)));
        assertEquals(sha256(plaintext), sha256(IndependentDecryptor.decrypt(encrypted, KEY)));
    }

    @Test
    void deviceDecryptsReferenceOutput() {
        final byte[] plaintext = data(5 * SMALL + 123, 42);
        final byte[] encrypted = referenceEncrypt(plaintext, SMALL, CryptoFixtures.OTHER_SALT_HEX);
        assertEquals(sha256(plaintext), sha256(deviceDecrypt(encrypted, SMALL, KEY)));
    }

    @Test
    void decryptHandlesInputCutAnywhere() {
        final byte[] plaintext = data(20 * SMALL + 999, 3);
        final byte[] encrypted = deviceEncrypt(plaintext, SMALL, SALT_HEX);
        final Random random = new Random(11);
        for (int slice : new int[] {1, 7, 23, 24, 40, 56, 1000, SMALL - 1, SMALL}) {
            final ChunkDriver driver = new ChunkDriver(SMALL, 16, 0);
            assertArrayEquals(plaintext, driver.run(decryptDevice(SMALL, KEY), encrypted, slice), "slice " + slice);
        }
        final ChunkDriver driver = new ChunkDriver(SMALL, 16, 0);
        final byte[] out = driver.run(decryptDevice(SMALL, KEY), encrypted, i -> 1 + random.nextInt(SMALL), false,
            true);
        assertArrayEquals(plaintext, out, "random slices");
    }

    @Test
    void decryptWaitsForAnEmptyPoolWithoutLosingData() {
        final byte[] plaintext = data(9 * SMALL + 5, 8);
        final byte[] encrypted = deviceEncrypt(plaintext, SMALL, SALT_HEX);
        // Two chunks in all and downstream sits on one: the device keeps meeting an empty pool.
        final ChunkDriver driver = new ChunkDriver(SMALL, 2, 1);
        assertArrayEquals(plaintext, driver.run(decryptDevice(SMALL, KEY), encrypted, i -> SMALL, false, true));
        assertTrue(driver.stalls() > 0, "the test must make the device wait for the pool");
    }

    @Test
    void encryptWaitsForAnEmptyPoolForItsEndRecord() {
        final TransformDevice device = encryptDevice(SMALL, SALT_HEX);
        final ChunkPool pool = new ChunkPool(SMALL, 2);
        final Chunk taken = pool.acquire();
        final Chunk alsoTaken = pool.acquire();
        device.endOfInput();
        assertNull(device.poll(pool));
        assertTrue(!device.isFinished() && !device.needsInput(), "waits for the pool");
        taken.release();
        alsoTaken.release();
        final Chunk end = device.poll(pool);
        assertNotNull(end);
        assertArrayEquals(referenceEncrypt(new byte[0], SMALL, SALT_HEX), payload(end));
        end.release();
        assertTrue(device.isFinished());
        device.close();
    }

    @Test
    void emptyInputGivesHeaderAndEndRecordWhetherNoChunkOrAnEmptyChunkArrives() {
        final byte[] expected = referenceEncrypt(new byte[0], SMALL, SALT_HEX);
        assertEquals(72, expected.length);
        for (boolean emptyChunk : new boolean[] {false, true}) {
            for (boolean flagLast : new boolean[] {false, true}) {
                final ChunkDriver driver = new ChunkDriver(SMALL, 4, 0);
                final byte[] out = driver.run(encryptDevice(SMALL, SALT_HEX), new byte[0], i -> SMALL, flagLast,
                    emptyChunk);
                assertArrayEquals(expected, out, "empty chunk " + emptyChunk + ", LAST " + flagLast);
                assertEquals(1, driver.outputs().size());
                assertEquals(0, driver.outputs().get(0).sequence());
                assertTrue((driver.outputs().get(0).flags() & ChunkFlags.LAST) != 0, "the end chunk is flagged LAST");
            }
        }
        assertArrayEquals(new byte[0], deviceDecrypt(expected, SMALL, KEY));
    }

    @Test
    void aLastFlaggedChunkCarriesTheEndRecordAndTheStreamIsUnchanged() {
        for (int size : new int[] {1, SMALL, 3 * SMALL + 7}) {
            final byte[] plaintext = data(size, size);
            final ChunkDriver driver = new ChunkDriver(SMALL, 4, 0);
            final byte[] out = driver.run(encryptDevice(SMALL, SALT_HEX), plaintext, i -> SMALL, true, true);
            assertArrayEquals(referenceEncrypt(plaintext, SMALL, SALT_HEX), out, "size " + size);
            assertEquals((size + SMALL - 1) / SMALL, driver.outputs().size(), "no extra chunk for the end record");
        }
    }

    @Test
    void encryptedChunksSayWhereTheyLieInTheEncryptedStream() {
        final byte[] plaintext = data(5 * SMALL + 10, 5);
        final ChunkDriver driver = new ChunkDriver(SMALL, 4, 0);
        driver.run(encryptDevice(SMALL, SALT_HEX), plaintext, SMALL);
        long position = 0;
        long sequence = 0;
        for (ChunkDriver.Out out : driver.outputs()) {
            assertEquals(sequence++, out.sequence());
            assertEquals(position, out.byteOffset());
            position += out.length();
        }
        assertEquals(7, driver.outputs().size(), "6 data chunks and the end chunk");
    }

    @Test
    void decryptedChunksCarryRecordSequenceAndPlaintextOffset() {
        final byte[] plaintext = data(4 * SMALL + 1, 6);
        final ChunkDriver driver = new ChunkDriver(SMALL, 4, 0);
        driver.run(decryptDevice(SMALL, KEY), deviceEncrypt(plaintext, SMALL, SALT_HEX), 1000);
        final List<ChunkDriver.Out> outs = driver.outputs();
        assertEquals(5, outs.size());
        for (int i = 0; i < outs.size(); i++) {
            assertEquals(i, outs.get(i).sequence());
            assertEquals((long) i * SMALL, outs.get(i).byteOffset());
            assertEquals(i == 0 ? ChunkFlags.FIRST : 0, outs.get(i).flags());
        }
    }

    @Test
    void anEmptyChunkInTheMiddleBecomesAnEmptyRecordAndComesBackAsAnEmptyChunk() {
        final byte[] plaintext = data(150, 9);
        final int[] slices = {100, 0, 50};
        final ChunkDriver encrypt = new ChunkDriver(SMALL, 4, 0);
        final byte[] encrypted = encrypt.run(encryptDevice(SMALL, SALT_HEX), plaintext, i -> slices[i], false, true);
        assertEquals(AesGcmFormat.FILE_HEADER_LENGTH + 4 * AesGcmFormat.RECORD_OVERHEAD + 150, encrypted.length);

        final ChunkDriver decrypt = new ChunkDriver(SMALL, 4, 0);
        assertArrayEquals(plaintext, decrypt.run(decryptDevice(SMALL, KEY), encrypted, 64));
        assertEquals(List.of(100, 0, 50), decrypt.outputs().stream().map(ChunkDriver.Out::length).toList());
        assertArrayEquals(plaintext, referenceDecrypt(encrypted, KEY));
        assertArrayEquals(plaintext, IndependentDecryptor.decrypt(encrypted, KEY));
    }

    @Test
    void aPayloadAwayFromTheHeadroomIsMovedAndEncryptedTheSame() {
        final byte[] plaintext = data(SMALL, 12);
        final ChunkPool pool = new ChunkPool(SMALL, 2);
        final TransformDevice device = encryptDevice(SMALL, SALT_HEX);
        final Chunk chunk = pool.acquire();
        // Where an upstream device might have left it: right after the chunk header, no headroom.
        System.arraycopy(plaintext, 0, chunk.array(), 40, SMALL);
        chunk.payload(40, SMALL);
        chunk.header().sequence(0).byteOffset(0);
        device.accept(chunk);
        final Chunk out = device.poll(pool);
        final byte[] first = payload(out);
        out.release();
        device.endOfInput();
        final Chunk end = device.poll(pool);
        final byte[] encrypted = concat(first, payload(end));
        end.release();
        device.close();
        assertArrayEquals(referenceEncrypt(plaintext, SMALL, SALT_HEX), encrypted);
        assertEquals(2, pool.available());
    }

    static byte[] payload(Chunk chunk) {
        final byte[] bytes = new byte[chunk.payloadLength()];
        System.arraycopy(chunk.array(), chunk.payloadOffset(), bytes, 0, bytes.length);
        return bytes;
    }

    static byte[] concat(byte[] a, byte[] b) {
        final byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
