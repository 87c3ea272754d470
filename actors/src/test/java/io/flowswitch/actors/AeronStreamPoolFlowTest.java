package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.port.IpcStreamPool;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows over Aeron edges through a real node reuse the node's pooled IPC streams: bytes stay identical flow
 * after flow, a flow that fails mid-transfer leaves nothing behind for the next one, and the streams are back
 * at their baseline (none leased) when the flows are done.
 */
class AeronStreamPoolFlowTest {
    private static final int CHUNK = 16 * 1024;
    private static final byte[] KEY = new byte[32];

    @TempDir
    Path dir;

    /** A node that opens no stream before its first flow, so that the counts are the flows' own. */
    private static FlowSwitch startWithoutPrewarm() {
        return FlowSwitch.start(ConfigFactory.parseString("flowswitch.node.aeron-stream-pool.prewarm-streams = 0")
            .withFallback(ConfigFactory.load()), DeviceCatalog.builtIn());
    }

    @Test
    void theFirstFlowAfterStartTakesPrewarmedStreams() throws Exception {
        try (FlowSwitch node = FlowSwitch.start()) {
            // Start does not wait for them: the default four streams connect in the background.
            Eventually.waitUntil(Duration.ofSeconds(20), () -> node.ipcStreams().idleStreams() >= 4);
            final IpcStreamPool.Stats warm = node.ipcStreams();
            assertEquals(4, warm.idleStreams(), warm.toString());
            assertEquals(4, warm.opened(), warm.toString());
            final Path in = randomFile("in.bin", 1_000_000, 1);
            final Path out = dir.resolve("out.bin");
            // Four Aeron edges of the default port (64 KiB chunks, 32 a port): the shape the streams were opened for.
            for (int flow = 0; flow < 2; flow++) {
                final FlowResult result = run(node, Flows.from(Devices.file(in)).via(Devices.crc32c())
                    .via(Devices.sha256()).via(Devices.crc32c()).to(Devices.fileSink(out))
                    .transport(Transport.AERON_IPC).build());
                assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
                assertEquals(sha256(in), sha256(out));
            }
            final IpcStreamPool.Stats stats = node.ipcStreams();
            assertEquals(4, stats.opened(), "no flow opened a stream of its own: " + stats);
            assertEquals(8, stats.reused(), stats.toString());
            assertEquals(0, stats.leasedStreams(), stats.toString());
            assertEquals(4, stats.idleStreams(), stats.toString());
            StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
        }
    }

    @Test
    void consecutiveFlowsReuseTheSameStreamsWithIdenticalBytes() throws Exception {
        try (FlowSwitch node = startWithoutPrewarm()) {
            final Path out = dir.resolve("out.bin");
            for (int flow = 0; flow < 25; flow++) {
                final Path in = randomFile("in-" + flow + ".bin", 150_000 + flow * 1_111, flow);
                final FlowResult result = run(node, Flows.from(Devices.file(in)).via(Devices.crc32c())
                    .via(Devices.sha256()).to(Devices.fileSink(out)).chunkBytes(CHUNK).transport(Transport.AERON_IPC)
                    .build());
                assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
                assertEquals(sha256(in), sha256(out), "flow " + flow);
                assertEquals(sha256(in), result.result("sha256"), "flow " + flow);
            }
            final IpcStreamPool.Stats stats = node.ipcStreams();
            assertEquals(0, stats.leasedStreams(), stats.toString());
            assertEquals(3, stats.opened(), "three edges, opened by the first flow only: " + stats);
            assertEquals(3 * 24, stats.reused(), stats.toString());
            assertEquals(3, stats.idleStreams(), stats.toString());
            StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
        }
    }

    @Test
    void aFlowFailedMidTransferLeaksNothingIntoTheNextFlows() throws Exception {
        new Random(3).nextBytes(KEY);
        try (FlowSwitch node = FlowSwitch.start()) {
            final Path plain = randomFile("plain.bin", 3 * 1024 * 1024 + 17, 5);
            final Path sealed = dir.resolve("sealed.enc");
            assertTrue(run(node, Flows.from(Devices.file(plain)).via(Devices.aesGcmEncrypt("k"))
                .to(Devices.fileSink(sealed)).key("k", KEY).chunkBytes(CHUNK).transport(Transport.AERON_IPC).build())
                .succeeded());
            final Path tampered = dir.resolve("tampered.enc");
            final byte[] bytes = Files.readAllBytes(sealed);
            bytes[bytes.length / 3] ^= 1;
            Files.write(tampered, bytes);
            final Path opened = dir.resolve("opened.bin");
            for (int round = 0; round < 3; round++) {
                final FlowResult failed = run(node, decrypt(tampered, opened));
                assertFalse(failed.succeeded(), "tampered ciphertext fails the flow");
                final FlowResult result = run(node, decrypt(sealed, opened));
                assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
                assertEquals(sha256(plain), sha256(opened), "round " + round + ": nothing of the failed flow arrived");
            }
            final IpcStreamPool.Stats stats = node.ipcStreams();
            assertTrue(stats.closedUnclean() >= 3, "each failed flow's unread stream is closed, not kept: " + stats);
            assertEquals(0, stats.leasedStreams(), stats.toString());
            StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
        }
    }

    @Test
    void flowsInParallelEachGetTheirOwnStreamsAndTheirOwnBytes() throws Exception {
        final int parallel = 4;
        try (FlowSwitch node = startWithoutPrewarm()) {
            for (int round = 0; round < 3; round++) {
                final List<CompletableFuture<FlowResult>> running = new ArrayList<>();
                final List<Path> inputs = new ArrayList<>();
                final List<Path> outputs = new ArrayList<>();
                for (int f = 0; f < parallel; f++) {
                    final Path in = randomFile("in-" + round + "-" + f + ".bin", 200_000 + f * 4_099, round * 10L + f);
                    final Path out = dir.resolve("out-" + f + ".bin");
                    inputs.add(in);
                    outputs.add(out);
                    running.add(node.run(Flows.from(Devices.file(in)).via(Devices.crc32c()).via(Devices.sha256())
                        .to(Devices.fileSink(out)).chunkBytes(CHUNK).transport(Transport.AERON_IPC).build())
                        .completion().toCompletableFuture());
                }
                for (int f = 0; f < parallel; f++) {
                    final FlowResult result = running.get(f).get(30, TimeUnit.SECONDS);
                    assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
                    assertEquals(sha256(inputs.get(f)), sha256(outputs.get(f)), "round " + round + ", flow " + f);
                }
            }
            final IpcStreamPool.Stats stats = node.ipcStreams();
            assertEquals(0, stats.leasedStreams(), stats.toString());
            assertEquals(0, stats.closedUnclean(), stats.toString());
            assertTrue(stats.opened() <= 3 * parallel, "at most one stream per edge of the flows at once: " + stats);
            assertEquals(3L * parallel * 3, stats.opened() + stats.reused(), stats.toString());
            StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
        }
    }

    @Test
    void withoutAPoolEveryFlowOpensItsOwnStreams() throws Exception {
        final String aeronDir;
        try (FlowSwitch node = FlowSwitch.start(ConfigFactory.parseString(
            "flowswitch.node.aeron-stream-pool.max-idle-streams = 0").withFallback(ConfigFactory.load()),
            DeviceCatalog.builtIn())) {
            aeronDir = node.aeronDirectoryName();
            final Path in = randomFile("in.bin", 40_000, 9);
            final Path out = dir.resolve("out.bin");
            for (int flow = 0; flow < 3; flow++) {
                assertTrue(run(node, Flows.from(Devices.file(in)).via(Devices.crc32c()).to(Devices.fileSink(out))
                    .chunkBytes(CHUNK).transport(Transport.AERON_IPC).build()).succeeded());
                assertEquals(sha256(in), sha256(out));
            }
            final IpcStreamPool.Stats stats = node.ipcStreams();
            assertEquals(3 * 2, stats.opened(), "two edges a flow, each its own stream: " + stats);
            assertEquals(3 * 2, stats.closedOverBound(), stats.toString());
            assertEquals(0, stats.reused(), stats.toString());
            assertEquals(0, stats.idleStreams(), stats.toString());
        }
        assertFalse(new File(aeronDir).exists(), "the node removes its driver directory");
    }

    private static FlowSpec decrypt(Path from, Path to) {
        return Flows.from(Devices.file(from)).via(Devices.aesGcmDecrypt("k")).via(Devices.sha256())
            .to(Devices.fileSink(to)).key("k", KEY).chunkBytes(CHUNK).transport(Transport.AERON_IPC).build();
    }

    private static FlowResult run(FlowSwitch node, FlowSpec spec) throws Exception {
        return node.run(spec).completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private Path randomFile(String name, int size, long seed) throws Exception {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
