package io.flowswitch.flow.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.testkit.TestThreads;
import io.flowswitch.fml.Fml;
import io.flowswitch.fml.FmlOptions;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code header check} on records that a plain Java writer (DataOutputStream, java.util.zip.CRC32C) sends
 * over TCP: good records come out as their payloads, a bad one ends the flow with the record and its
 * offset, and no output file stays.
 */
class DeframeFlowTest {
    private static final int RECORD = 3000;
    @RegisterExtension
    static final FlowRunner flows = new FlowRunner("deframe-flow-test");

    /** Blocking peers run on threads of their own, never on the common pool. */
    @RegisterExtension
    final TestThreads peers = new TestThreads("record-sender");

    @TempDir
    Path dir;

    @Test
    void recordsFromAPlainJavaWriterComeOutAsTheirPayloads() throws Exception {
        final byte[] data = new byte[10 * RECORD + 7];
        new SplittableRandom(12).nextBytes(data);
        final FlowResult result = receive(records(data, -1));
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("out.bin")));
        assertEquals("11", result.stages().get(1).results().get("records"));
    }

    @Test
    void aRecordWithABadCrcEndsTheFlowNamingTheRecordAndItsOffset() throws Exception {
        final byte[] data = new byte[10 * RECORD];
        new SplittableRandom(13).nextBytes(data);
        final FlowResult result = receive(records(data, 4));
        assertFalse(result.succeeded());
        final String message = result.error().getMessage();
        assertTrue(message.startsWith("stage 2 (deframe): record 4 at stream offset " + 4 * RECORD + " (byte "
            + 4 * (RECORD + 16) + " of the framed stream): field 'crc' is "), message);
        assertTrue(message.endsWith("on the wire, but the record as received gives "
            + crc(data, 4 * RECORD, RECORD)), message);
        assertFalse(Files.exists(dir.resolve("out.bin")), "no partial output");
    }

    /** The records as examples/header-records-tcp.fml documents them; record {@code corrupt} gets a wrong CRC. */
    private static byte[] records(byte[] data, int corrupt) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        for (int k = 0, at = 0; at < data.length; k++, at += RECORD) {
            final int length = Math.min(RECORD, data.length - at);
            out.writeInt(length);
            out.writeLong(k);
            out.writeInt((int) (crc(data, at, length) ^ (k == corrupt ? 1 : 0)));
            out.write(data, at, length);
        }
        return bytes.toByteArray();
    }

    private static long crc(byte[] data, int at, int length) {
        final CRC32C crc = new CRC32C();
        crc.update(data, at, length);
        return crc.getValue();
    }

    private FlowResult receive(byte[] stream) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final CompletableFuture<Void> sender = peers.run(() -> {
                try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                    // In pieces that cut across records, as a network would.
                    for (int at = 0; at < stream.length; at += 1000) {
                        out.write(stream, at, Math.min(1000, stream.length - at));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            final FlowSpec spec = Fml.check("receive.fml", """
                flow receive {
                  chunk 4KiB
                  source tcp-source(host = "127.0.0.1", port = %d)
                  header check {
                    length: u32 = payload.length
                    seq: u64 = sequence
                    crc: u32 = crc32c(payload)
                  }
                  sink file-sink(path = "%s")
                }
                """.formatted(server.getLocalPort(), dir.resolve("out.bin")), FmlOptions.defaults())
                .plan().orElseThrow().spec(Map.of());
            final FlowResult result = flows.run(spec, 1, 60);
            sender.exceptionally(ignored -> null).get(10, TimeUnit.SECONDS);
            return result;
        }
    }
}
