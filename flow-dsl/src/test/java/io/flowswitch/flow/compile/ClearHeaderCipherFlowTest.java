package io.flowswitch.flow.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.fml.Fml;
import io.flowswitch.fml.FmlOptions;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * AES-GCM over the payload with the header authenticated but left untouched, from an FML program:
 * {@code via aes-gcm-encrypt(key = k1) pass 0..16} behind a 16-byte header program. Each record of the
 * encrypted stream carries the header in the clear (docs/encrypted-format.md, CLEAR_PREFIX); decrypting
 * gives the framed records back, and a changed header byte fails the record's tag.
 */
class ClearHeaderCipherFlowTest {
    private static final int CHUNK = 16 * 1024;
    private static final int HEADER = 16;
    private static final SecretKey KEY = new SecretKeySpec(new SplittableRandom(4).ints(32, 0, 256)
        .collect(ByteArrayOutputStream::new, ByteArrayOutputStream::write, (a, b) -> { }).toByteArray(), "AES");
    @RegisterExtension
    static final FlowRunner flows = new FlowRunner("clear-header-test");

    @TempDir
    Path dir;

    @Test
    void theHeaderStaysReadableInEachRecordAndTheStreamDecryptsToTheFramedRecords() throws Exception {
        final byte[] data = new byte[4 * CHUNK + 333];
        new SplittableRandom(6).nextBytes(data);
        final int records = (data.length + CHUNK - 1) / CHUNK;
        final Path encrypted = encrypt(data);

        // Read the clear headers straight off the encrypted stream, with the layout from the document.
        final byte[] stream = Files.readAllBytes(encrypted);
        int at = 32;
        for (int k = 0; k < records; k++) {
            final int length = Math.min(CHUNK, data.length - k * CHUNK);
            final ByteBuffer record = ByteBuffer.wrap(stream, at, 24).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(k, record.getLong(at));
            assertEquals(HEADER + length, record.getInt(at + 16), "record " + k + " carries header and data");
            assertEquals(2 | HEADER << 8, record.getInt(at + 20), "CLEAR_PREFIX with 16 clear bytes, record " + k);
            final DataInputStream header = new DataInputStream(new ByteArrayInputStream(stream, at + 24, HEADER));
            assertEquals(length, header.readInt(), "clear length field of record " + k);
            assertEquals(k, header.readLong(), "clear sequence field of record " + k);
            final CRC32C crc = new CRC32C();
            crc.update(data, k * CHUNK, length);
            assertEquals(crc.getValue(), header.readInt() & 0xffffffffL, "clear CRC field of record " + k);
            assertFalse(Arrays.equals(data, k * CHUNK, k * CHUNK + length, stream, at + 24 + HEADER,
                at + 24 + HEADER + length), "the data of record " + k + " is encrypted");
            at += 24 + HEADER + length + 16;
        }
        assertEquals(at + 40, stream.length, "then the end record, and nothing more");

        final Path back = dir.resolve("back.bin");
        final FlowResult decrypted = decrypt(encrypted, back, 2);
        assertTrue(decrypted.succeeded(), () -> String.valueOf(decrypted.error()));
        final DataInputStream framed = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(back)));
        final ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        for (int k = 0; k < records; k++) {
            final int length = framed.readInt();
            assertEquals(k, framed.readLong());
            framed.readInt();
            payloads.write(framed.readNBytes(length));
        }
        assertEquals(-1, framed.read());
        assertArrayEquals(data, payloads.toByteArray());
    }

    @Test
    void aFlippedBitInAClearHeaderFailsTheDecryptionNamingTheRecord() throws Exception {
        final byte[] data = new byte[3 * CHUNK];
        new SplittableRandom(7).nextBytes(data);
        final byte[] stream = Files.readAllBytes(encrypt(data));
        // Record 2's sequence field in its clear header: file header, two records, record 2's header, byte 11.
        final int record2 = 32 + 2 * (24 + HEADER + CHUNK + 16);
        stream[record2 + 24 + 11] ^= 0x01;
        final Path tampered = Files.write(dir.resolve("tampered.enc"), stream);
        final Path back = dir.resolve("back.bin");
        final FlowResult result = decrypt(tampered, back, 3);
        assertFalse(result.succeeded());
        assertTrue(result.error().getMessage().contains("record 2 at byte " + record2 + " of the encrypted stream failed"
            + " authentication"), result.error().getMessage());
        assertFalse(Files.exists(back), "no partial output");
    }

    private Path encrypt(byte[] data) throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), data);
        final Path out = dir.resolve("out.enc");
        final FlowSpec spec = Fml.check("clear-header.fml", """
            flow clear-header-encrypt {
              chunk 16KiB
              key k1
              source file-source(path = "%s")
              header {
                length: u32 = payload.length
                seq: u64 = sequence
                crc: u32 = crc32c(payload)
              }
              via aes-gcm-encrypt(key = k1) pass 0..16
              sink file-sink(path = "%s")
            }
            """.formatted(in, out), FmlOptions.defaults()).plan().orElseThrow().spec(Map.of("k1", KEY));
        final FlowResult result = run(spec, 1);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        return out;
    }

    private static FlowResult decrypt(Path encrypted, Path out, long flowId) throws Exception {
        return run(Flows.from(Devices.file(encrypted)).via(Devices.aesGcmDecrypt("k1")).to(Devices.fileSink(out))
            .key("k1", KEY).build(), flowId);
    }

    private static FlowResult run(FlowSpec spec, long flowId) throws Exception {
        return flows.run(spec, flowId, 60);
    }
}
