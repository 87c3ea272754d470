package io.flowswitch.devices.tcp;

import static io.flowswitch.devices.tcp.TcpTestSupport.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.file.FileReference;
import io.flowswitch.devices.testkit.ChunkLoops;
import io.flowswitch.devices.testkit.Eventually;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TCP devices against a real TCP tool, {@code socat}; skipped with a reason where it is not installed. */
class TcpInteropTest {
    private static final int CHUNK = 64 * 1024;
    private static final int SIZE = 4 * 1024 * 1024 + 99;

    private final FlowContext context = new FlowContext(5, CHUNK, Map.of());

    @TempDir
    Path dir;

    @Test
    void socatReceivesWhatTheSinkSends() throws Exception {
        final String socat = socat();
        final byte[] input = ChunkLoops.randomBytes(SIZE, 21);
        final Path received = dir.resolve("received.bin");
        final int port = TcpTestSupport.unusedPort();
        final Process process = new ProcessBuilder(socat, "-u",
            "TCP-LISTEN:" + port + ",bind=" + LOOPBACK + ",reuseaddr", "CREATE:" + received)
            .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        try (TcpSink sink = connectWhenListening(port)) {
            ChunkLoops.feed(sink, new ChunkPool(CHUNK, 2), input, CHUNK);
            sink.finish();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "socat did not exit");
            assertEquals(0, process.exitValue(), Files.readString(dir.resolve("socat.log")));
        } finally {
            process.destroyForcibly();
        }
        assertEquals(FileReference.sha256Hex(input), FileReference.sha256Hex(received));
    }

    @Test
    void sourceReceivesWhatSocatSends() throws Exception {
        final String socat = socat();
        final byte[] input = ChunkLoops.randomBytes(SIZE, 22);
        final Path sent = Files.write(dir.resolve("sent.bin"), input);
        try (TcpSource source = new TcpSourceKind().create(
            DeviceParams.of("stage 1 (tcp-source)", "listen-port", "0"), context)) {
            final Process process = new ProcessBuilder(socat, "-u", "OPEN:" + sent,
                "TCP:" + LOOPBACK + ":" + source.boundPort())
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
            try {
                final ChunkLoops.Drained out = ChunkLoops.drain(source, new ChunkPool(CHUNK, 2));
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "socat did not exit");
                assertEquals(0, process.exitValue(), Files.readString(dir.resolve("socat.log")));
                assertEquals(FileReference.sha256Hex(input), FileReference.sha256Hex(out.bytes()));
            } finally {
                process.destroyForcibly();
            }
        }
    }

    /** socat takes a moment to listen: retry a refused connection for a few seconds. */
    private TcpSink connectWhenListening(int port) throws Exception {
        final DeviceParams params = DeviceParams.of("stage 2 (tcp-sink)", "port", Integer.toString(port));
        final TcpSink[] connected = new TcpSink[1];
        Eventually.waitUntil(Duration.ofSeconds(10), () -> {
            try {
                connected[0] = new TcpSinkKind().create(params, context);
                return true;
            } catch (DeviceException e) {
                if (!"CONNECT_REFUSED".equals(e.code())) {
                    throw e;
                }
                return false;
            }
        });
        // Once more at the deadline, so that a refusal is what the test reports.
        return connected[0] != null ? connected[0] : new TcpSinkKind().create(params, context);
    }

    private static String socat() {
        final Optional<Path> found = onPath("socat");
        assumeTrue(found.isPresent(), "socat is not installed: interoperability with a real TCP tool not tested");
        return found.get().toString();
    }

    private static Optional<Path> onPath(String tool) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            final Path candidate = Path.of(entry, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
