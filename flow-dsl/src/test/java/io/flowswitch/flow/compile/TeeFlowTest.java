package io.flowswitch.flow.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.testkit.TestThreads;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A compiled flow with a tee: both branches get every byte in order, and the slower branch holds the source back. */
class TeeFlowTest {
    private static final int FILE_BYTES = 48 * 1024 * 1024 + 17;
    @RegisterExtension
    static final FlowRunner flows = new FlowRunner("tee-flow-test");

    /** Blocking peers run on threads of their own, never on the common pool. */
    @RegisterExtension
    final TestThreads peers = new TestThreads("tee-branch");

    @TempDir
    Path dir;

    @Test
    void aStalledBranchStopsTheSourceAndThenBothBranchesGetEveryByte() throws Exception {
        final byte[] data = new byte[FILE_BYTES];
        new SplittableRandom(11).nextBytes(data);
        final Path in = Files.write(dir.resolve("in.bin"), data);
        final Path out = dir.resolve("out.bin");
        final CountDownLatch go = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket()) {
            // Small socket buffers, so the branch's own stall reaches the tee quickly.
            server.setReceiveBufferSize(64 * 1024);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final CompletableFuture<byte[]> branch = peers.supply(() -> readAfter(server, go));
            final FlowSpec spec = Flows.from(Devices.file(in))
                .via(Devices.tee(Devices.tcpSink("127.0.0.1", server.getLocalPort())))
                .via(Devices.tee(Devices.sha256Sink()))
                .to(Devices.fileSink(out))
                .name("tee")
                .build();
            final CompiledFlow flow = flows.compile(spec, 1);
            final CompletableFuture<FlowResult> result = flows.start(flow);

            // The branch reads nothing: the source must come to a stop well short of the file.
            long read = -1;
            for (int i = 0; i < 100 && read != flow.bytesRead(); i++) {
                read = flow.bytesRead();
                Thread.sleep(200);
            }
            assertEquals(read, flow.bytesRead(), "the source stopped while the branch stalled");
            assertTrue(read < FILE_BYTES / 2, "the source read " + read + " of " + FILE_BYTES
                + " bytes while the tee's branch took none: the slower branch does not hold it back");
            assertFalse(result.isDone());

            go.countDown();
            final FlowResult done = result.get(60, TimeUnit.SECONDS);
            assertTrue(done.succeeded(), () -> String.valueOf(done.error()));
            assertArrayEquals(data, branch.get(30, TimeUnit.SECONDS), "the socket branch got every byte in order");
            assertArrayEquals(data, Files.readAllBytes(out), "the main path got every byte in order");
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)),
                done.result("sha256"));
        }
    }

    @Test
    void aFailedFlowLeavesNoPartialBranchFile() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[1 << 20]);
        final Path copy = dir.resolve("copy.bin");
        // Nothing listens on the main sink's port: the flow fails, and the tee's file branch must not stay.
        final int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        final FlowSpec spec = Flows.from(Devices.file(in))
            .via(Devices.tee(Devices.fileSink(copy)))
            .to(Devices.tcpSink("127.0.0.1", closedPort))
            .build();
        try {
            final FlowResult result = flows.run(spec, 2, 30);
            assertFalse(result.succeeded());
        } catch (io.flowswitch.flow.FlowException refusedAtSetUp) {
            // The sink connects when it is created: then the tee's branch was closed with the rest.
            assertTrue(refusedAtSetUp.getMessage().contains("refused"), refusedAtSetUp.getMessage());
        }
        try (var files = Files.list(dir)) {
            assertEquals(java.util.List.of(in), files.toList(), "only the input is left");
        }
    }

    private static byte[] readAfter(ServerSocket server, CountDownLatch go) {
        try (Socket socket = server.accept(); InputStream input = socket.getInputStream()) {
            go.await();
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(FILE_BYTES);
            input.transferTo(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
