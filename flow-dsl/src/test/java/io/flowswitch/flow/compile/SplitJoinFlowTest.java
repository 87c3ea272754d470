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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Split and join around a cipher without pass-through, from an FML program: each record on the output is
 * the header built from the plaintext chunk, then that chunk's AES-GCM record; the records, headers
 * taken off, decrypt to the input.
 */
class SplitJoinFlowTest {
    private static final int CHUNK = 16 * 1024;
    private static final int HEADER = 16;
    /** From docs/encrypted-format.md: file header, record header + tag, and the end record. */
    private static final int FILE_HEADER = 32;
    private static final int RECORD_OVERHEAD = 24 + 16;
    private static final SecretKey KEY = new SecretKeySpec(new SplittableRandom(3).ints(32, 0, 256)
        .collect(ByteArrayOutputStream::new, ByteArrayOutputStream::write, (a, b) -> { }).toByteArray(), "AES");
    @RegisterExtension
    static final FlowRunner flows = new FlowRunner("split-join-test");

    @TempDir
    Path dir;

    @Test
    void headersBuiltFromThePlaintextGoAroundTheCipherAndAreJoinedInFrontOfItsRecords() throws Exception {
        final byte[] data = new byte[5 * CHUNK + 777];
        new SplittableRandom(5).nextBytes(data);
        final Path in = Files.write(dir.resolve("in.bin"), data);
        final Path out = dir.resolve("out.bin");
        final FlowSpec spec = Fml.check("split.fml", """
            flow split-encrypt {
              chunk 16KiB
              key k1
              source file-source(path = "%s")
              header {
                length: u32 = payload.length
                seq: u64 = sequence
                crc: u32 = crc32c(payload)
              }
              split
              via aes-gcm-encrypt(key = k1)
              join
              sink file-sink(path = "%s")
            }
            """.formatted(in, out), FmlOptions.defaults()).plan().orElseThrow().spec(Map.of("k1", KEY));
        final FlowResult result = run(spec, 1);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));

        // Take the records apart with plain DataInputStream: header, then the chunk's encrypted record.
        final int records = (data.length + CHUNK - 1) / CHUNK;
        final DataInputStream wire = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(out)));
        final ByteArrayOutputStream encrypted = new ByteArrayOutputStream();
        for (int k = 0; k < records; k++) {
            final int length = wire.readInt();
            assertEquals(Math.min(CHUNK, data.length - k * CHUNK), length, "plaintext length of record " + k);
            assertEquals(k, wire.readLong());
            final CRC32C plaintextCrc = new CRC32C();
            plaintextCrc.update(data, k * CHUNK, length);
            assertEquals(plaintextCrc.getValue(), wire.readInt() & 0xffffffffL, "CRC-32C of plaintext chunk " + k);
            final int part = (k == 0 ? FILE_HEADER : 0) + RECORD_OVERHEAD + length
                + (k == records - 1 ? RECORD_OVERHEAD : 0);
            final byte[] record = wire.readNBytes(part);
            assertEquals(part, record.length, "record " + k + " is cut short");
            encrypted.write(record);
        }
        assertEquals(-1, wire.read(), "nothing after the last record");

        // The encrypted records alone are the cipher's stream: they decrypt to the input.
        final Path cipher = Files.write(dir.resolve("records.enc"), encrypted.toByteArray());
        final Path back = dir.resolve("back.bin");
        final FlowResult decrypted = run(Flows.from(Devices.file(cipher)).via(Devices.aesGcmDecrypt("k1"))
            .to(Devices.fileSink(back)).key("k1", KEY).build(), 2);
        assertTrue(decrypted.succeeded(), () -> String.valueOf(decrypted.error()));
        assertArrayEquals(data, Files.readAllBytes(back));
    }

    @Test
    void aStageThatChangesTheNumberOfChunksFailsTheFlowNamingTheChunk() throws Exception {
        // One chunk of gzip in, eight chunks of zeros out of gunzip: seven of them have no header part.
        final ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(new byte[8 * CHUNK]);
        }
        final Path in = Files.write(dir.resolve("in.gz"), gz.toByteArray());
        final Path out = dir.resolve("out.bin");
        final FlowSpec spec = Fml.check("gunzip.fml", """
            flow split-gunzip {
              chunk 16KiB
              source file-source(path = "%s")
              header { length: u32 = payload.length }
              split
              via gunzip
              join
              sink file-sink(path = "%s")
            }
            """.formatted(in, out), FmlOptions.defaults()).plan().orElseThrow().spec(Map.of());
        final FlowResult result = run(spec, 3);
        assertFalse(result.succeeded());
        assertEquals("stage 5 (join): chunk 1 came out of the stages between split and join without a header part:"
            + " only devices that give one chunk per chunk, with its sequence number, can sit between split and join",
            result.error().getMessage());
        assertFalse(Files.exists(out), "no partial output");
    }

    @Test
    void aPassRangeKeepsTheRecordHeadersOutOfTheDigestAndOnTheWire() throws Exception {
        final byte[] data = new byte[3 * CHUNK + 99];
        new SplittableRandom(8).nextBytes(data);
        final Path in = Files.write(dir.resolve("in.bin"), data);
        final Path out = dir.resolve("out.bin");
        final FlowSpec spec = Fml.check("pass.fml", """
            flow digest-records {
              chunk 16KiB
              source file-source(path = "%s")
              header { length: u32 = payload.length  seq: u64 = sequence }
              via sha256 pass 0..12
              sink file-sink(path = "%s")
            }
            """.formatted(in, out), FmlOptions.defaults()).plan().orElseThrow().spec(Map.of());
        final FlowResult result = run(spec, 4);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data)),
            result.result("sha256"), "the digest of the data without the 12-byte headers");
        final DataInputStream wire = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(out)));
        for (int k = 0; k < 4; k++) {
            final int length = wire.readInt();
            assertEquals(k, wire.readLong(), "the headers are on the wire, untouched");
            assertArrayEquals(java.util.Arrays.copyOfRange(data, k * CHUNK, k * CHUNK + length), wire.readNBytes(length));
        }
        assertEquals(-1, wire.read());
    }

    private static FlowResult run(FlowSpec spec, long flowId) throws Exception {
        return flows.run(spec, flowId, 60);
    }
}
