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
import io.flowswitch.javadsl.FlowHandle;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    /** Far above a loopback handshake; a client that has not answered by then never will. */
    static final int HANDSHAKE_TIMEOUT_MS = 10_000;
    /** Far above a {@link #LARGE_BYTES} response over loopback, even on a loaded machine. */
    static final long RESPONSE_TIMEOUT_MS = 20_000;

    private final FlowSwitch node;
    private final int chunkBytes;
    private final String connectionName;
    private final Chunk softwareChunk;
    private final CompletableFuture<Void> drained;

    private SmallFileCalibration(FlowSwitch node, int chunkBytes, String connectionName,
        CompletableFuture<Void> drained) {
        this.node = node;
        this.chunkBytes = chunkBytes;
        this.connectionName = connectionName;
        this.drained = drained;
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
            // The reader gets a thread of its own. CompletableFuture's default executor is the common pool,
            // on newer JDKs (25) even when it has a single worker (JDK 17 started a thread per task then), and
            // the caller may be that worker: the reader would start late, or run inside the caller's join()
            // and block it until the read timed out.
            final CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> drain(client),
                SmallFileCalibration::readerThread);
            final String name = TlsEndpoints.register(server);
            try {
                handshake(server, drained);
                return new SmallFileCalibration(node, chunkBytes, name, drained).run(small, large);
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

    /**
     * Completes the loopback handshake within {@link #HANDSHAKE_TIMEOUT_MS}, so a client that cannot connect
     * (no thread to run on, a certificate it does not trust) fails calibration at once, with its reason.
     */
    private static void handshake(TlsConnection server, CompletableFuture<Void> drained) {
        try {
            server.socket().setSoTimeout(HANDSHAKE_TIMEOUT_MS);
            server.handshake();
            server.socket().setSoTimeout(0);
        } catch (IOException | RuntimeException e) {
            awaitQuietly(drained);
            throw new IllegalStateException("small-file calibration: the loopback TLS handshake failed: "
                + e.getMessage() + readerFailure(drained), e);
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
        requireReader();
        final long start = System.nanoTime();
        final FlowHandle flow = node.run(Flows.from(StageSpec.of(FileRegionSourceKind.NAME,
                FileRegionSourceKind.PATH, file.toString(), FileRegionSourceKind.OFFSET, "0",
                FileRegionSourceKind.LENGTH, Long.toString(length)))
            .to(StageSpec.of(TlsSinkKind.NAME, TlsSinkKind.CONNECTION, connectionName))
            .name("small-file calibration").chunkBytes(chunkBytes).build());
        final FlowResult result;
        try {
            result = flow.completion().toCompletableFuture().get(RESPONSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            flow.cancel("small-file calibration timed out");
            throw new IllegalStateException("small-file calibration: a " + length + "-byte response did not"
                + " finish within " + RESPONSE_TIMEOUT_MS + " ms" + readerFailure(drained), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("small-file calibration: a flow failed: " + e.getCause().getMessage(),
                e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            flow.cancel("small-file calibration interrupted");
            throw new IllegalStateException("small-file calibration: interrupted", e);
        }
        if (!result.succeeded()) {
            throw new IllegalStateException("small-file calibration: a flow failed: " + result.error().getMessage()
                + readerFailure(drained), result.error());
        }
        return System.nanoTime() - start;
    }

    private long softwareNs(Path file, long length) {
        requireReader();
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

    /** Gives a reader that is failing a moment to say why (its reason is the one worth reporting). */
    private static void awaitQuietly(CompletableFuture<Void> drained) {
        try {
            drained.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Reported by readerFailure, or the reader is still running: the server's reason stands alone.
        }
    }

    /** Ends calibration when the loopback reader stopped: nothing would read what the server sends. */
    private void requireReader() {
        if (drained.isDone()) {
            throw new IllegalStateException("small-file calibration: the loopback client stopped reading"
                + readerFailure(drained));
        }
    }

    /** {@code "; the loopback client: <why>"} when the reader failed, otherwise nothing. */
    private static String readerFailure(CompletableFuture<Void> drained) {
        if (!drained.isCompletedExceptionally()) {
            return "";
        }
        try {
            drained.join();
            return "";
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            final Throwable cause = e.getCause() == null ? e : e.getCause();
            return "; the loopback client: " + cause.getMessage();
        }
    }

    /**
     * Reads and discards until the server ends the connection (calibration aborts it when done, so the
     * reader's end is an error it does not report: {@link #requireReader()} only looks while calibration runs).
     */
    private static void drain(TlsConnection client) {
        final byte[] buffer = new byte[64 * 1024];
        try {
            client.socket().setSoTimeout((int) RESPONSE_TIMEOUT_MS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client.handshake();
        while (client.read(buffer, 0, buffer.length) >= 0) {
            // Only the server side is measured.
        }
    }

    private static void readerThread(Runnable task) {
        final Thread thread = new Thread(task, "flowswitch-calibration-reader");
        thread.setDaemon(true);
        thread.start();
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
