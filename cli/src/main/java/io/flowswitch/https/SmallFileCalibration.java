package io.flowswitch.https;

import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.file.FileRegionSource;
import io.flowswitch.devices.file.FileRegionSourceKind;
import io.flowswitch.devices.tls.TlsConnection;
import io.flowswitch.devices.tls.TlsContexts;
import io.flowswitch.devices.tls.TlsEndpoints;
import io.flowswitch.devices.tls.TlsSink;
import io.flowswitch.devices.tls.TlsSinkKind;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.scheduler.SmallRequestThreshold;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures where a response is cheaper as a flow than on the software path, on this machine, as the server
 * sends it: a loopback TLS 1.3 connection to this process (a reader drains it), and {@code
 * file-region-source -> tls-sink} once as a flow on the node and once driven by the calling thread, for a
 * 1 KiB file and a {@link #LARGE_BYTES} one. The two lines give the flow's set-up cost {@code S} and each
 * path's cost per byte, and the threshold is where the paths cost the same, {@code S / (d - f)}
 * ({@link SmallRequestThreshold}), as the node's small-request calibration does it.
 *
 * <p>Both paths run the same two devices, so their costs per byte differ by little more than noise, and
 * the break-even can land anywhere up to "never". So the threshold is also kept at or below the size
 * where the set-up is a tenth of the response's time on the flow path ({@code 10 S / f}): past it the flow
 * costs at most 10% more, and the server keeps signalling rather than moving bytes itself.
 *
 * <p>About a second. Blocking; call it before serving, off actor threads.
 */
public final class SmallFileCalibration {
    /** What was measured, and the threshold it gives. */
    public record Result(long setupNs, double flowNsPerByte, double softwareNsPerByte, long thresholdBytes) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                "%d KiB (flow set-up %.2f ms; %.2f ns/B as a flow, %.2f ns/B on the software path)",
                thresholdBytes / 1024, setupNs / 1e6, flowNsPerByte, softwareNsPerByte);
        }
    }

    static final int SMALL_BYTES = 1024;
    static final int LARGE_BYTES = 4 * 1024 * 1024;
    /** The flow's set-up may cost at most this share of a response it carries. */
    static final double MAX_SETUP_SHARE = 0.1;
    private static final int WARM_UP_RUNS = 40;
    private static final int SMALL_RUNS = 15;
    private static final int LARGE_RUNS = 5;

    private final FlowSwitch node;
    private final int chunkBytes;
    private final String connectionName;
    private final Chunk softwareChunk;

    private SmallFileCalibration(FlowSwitch node, int chunkBytes, String connectionName) {
        this.node = node;
        this.chunkBytes = chunkBytes;
        this.connectionName = connectionName;
        this.softwareChunk = Chunk.unpooled(chunkBytes);
    }

    /**
     * Calibrates over a loopback connection made with {@code identity} (the server's own certificate, so
     * the client side trusts it), with scratch files in {@code scratchDir} (removed afterwards).
     *
     * @throws IOException when the loopback connection or the scratch files cannot be made
     * @throws IllegalStateException when a calibration response fails
     */
    public static Result measure(FlowSwitch node, TlsContexts.Identity identity, int chunkBytes, Path scratchDir)
        throws IOException {
        final Path dir = Files.createTempDirectory(scratchDir, "flowswitch-small-file-");
        final Path small = random(dir.resolve("small.bin"), SMALL_BYTES);
        final Path large = random(dir.resolve("large.bin"), LARGE_BYTES);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            Socket clientSocket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            TlsConnection server = TlsConnection.server(listener.accept(), identity.context());
            TlsConnection client = TlsConnection.client(clientSocket, TlsContexts.trusting(identity.certificate()),
                "localhost")) {
            final CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> drain(client));
            final String name = TlsEndpoints.register(server);
            try {
                return new SmallFileCalibration(node, chunkBytes, name).run(small, large);
            } finally {
                TlsEndpoints.unregister(name);
                server.abort();
                drained.exceptionally(error -> null).join();
            }
        } finally {
            Files.deleteIfExists(small);
            Files.deleteIfExists(large);
            Files.deleteIfExists(dir);
        }
    }

    /** The threshold from the two lines: break-even, at most where set-up is {@link #MAX_SETUP_SHARE} of the time. */
    static long threshold(long setupNs, double flowNsPerByte, double softwareNsPerByte) {
        final SmallRequestThreshold breakEven =
            SmallRequestThreshold.calibrate(setupNs, flowNsPerByte, softwareNsPerByte);
        final double share = flowNsPerByte > 0 ? Math.ceil(setupNs / (MAX_SETUP_SHARE * flowNsPerByte))
            : Long.MAX_VALUE;
        return (long) Math.min(breakEven.thresholdBytes(), Math.min(share, (double) Long.MAX_VALUE));
    }

    private Result run(Path small, Path large) {
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            flowNs(small, SMALL_BYTES);
            softwareNs(small, SMALL_BYTES);
        }
        flowNs(large, LARGE_BYTES);
        softwareNs(large, LARGE_BYTES);
        final long[] flowSmall = new long[SMALL_RUNS];
        final long[] softwareSmall = new long[SMALL_RUNS];
        for (int i = 0; i < SMALL_RUNS; i++) {
            flowSmall[i] = flowNs(small, SMALL_BYTES);
            softwareSmall[i] = softwareNs(small, SMALL_BYTES);
        }
        final long[] flowLarge = new long[LARGE_RUNS];
        final long[] softwareLarge = new long[LARGE_RUNS];
        for (int i = 0; i < LARGE_RUNS; i++) {
            flowLarge[i] = flowNs(large, LARGE_BYTES);
            softwareLarge[i] = softwareNs(large, LARGE_BYTES);
        }
        final double span = LARGE_BYTES - SMALL_BYTES;
        final double flowNsPerByte = Math.max(0, (median(flowLarge) - median(flowSmall)) / span);
        final double softwareNsPerByte = Math.max(0, (median(softwareLarge) - median(softwareSmall)) / span);
        final long setupNs = Math.max(0, Math.round(median(flowSmall) - median(softwareSmall)
            + (softwareNsPerByte - flowNsPerByte) * SMALL_BYTES));
        return new Result(setupNs, flowNsPerByte, softwareNsPerByte,
            threshold(setupNs, flowNsPerByte, softwareNsPerByte));
    }

    private long flowNs(Path file, long length) {
        final long start = System.nanoTime();
        final FlowResult result = node.run(Flows.from(StageSpec.of(FileRegionSourceKind.NAME,
                FileRegionSourceKind.PATH, file.toString(), FileRegionSourceKind.OFFSET, "0",
                FileRegionSourceKind.LENGTH, Long.toString(length)))
            .to(StageSpec.of(TlsSinkKind.NAME, TlsSinkKind.CONNECTION, connectionName))
            .name("small-file calibration").chunkBytes(chunkBytes).build())
            .completion().toCompletableFuture().join();
        if (!result.succeeded()) {
            throw new IllegalStateException("small-file calibration: a flow failed: " + result.error().getMessage(),
                result.error());
        }
        return System.nanoTime() - start;
    }

    private long softwareNs(Path file, long length) {
        final long start = System.nanoTime();
        final FlowContext context = new FlowContext(0, chunkBytes, Map.of());
        try (FileRegionSource source = new FileRegionSourceKind().create(DeviceParams.of("calibration (file-region-source)",
                FileRegionSourceKind.PATH, file.toString(), FileRegionSourceKind.OFFSET, "0",
                FileRegionSourceKind.LENGTH, Long.toString(length)), context);
            TlsSink sink = new TlsSinkKind().create(DeviceParams.of("calibration (tls-sink)",
                TlsSinkKind.CONNECTION, connectionName), context)) {
            while (source.read(softwareChunk) >= 0) {
                sink.write(softwareChunk);
            }
            sink.finish();
        }
        return System.nanoTime() - start;
    }

    private static void drain(TlsConnection client) {
        final byte[] buffer = new byte[64 * 1024];
        try {
            client.socket().setSoTimeout((int) TimeUnit.SECONDS.toMillis(60));
            while (client.read(buffer, 0, buffer.length) >= 0) {
                // Only the server side is measured.
            }
        } catch (IOException | RuntimeException e) {
            // The server side resets the connection when calibration ends.
        }
    }

    private static double median(long[] values) {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static Path random(Path file, int bytes) {
        final byte[] data = new byte[bytes];
        new Random(bytes).nextBytes(data);
        try {
            return Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
