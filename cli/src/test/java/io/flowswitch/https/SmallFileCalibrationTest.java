package io.flowswitch.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.tls.TlsContexts;
import io.flowswitch.devices.tls.TlsEndpoints;
import io.flowswitch.javadsl.FlowSwitch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallFileCalibrationTest {
    @TempDir
    Path dir;

    @Test
    void theThresholdIsTheBreakEvenWhenTheFlowRepaysItsSetUpSoon() {
        // 1 ms set-up, 1.0 vs 1.5 ns/B: break-even at 2 000 000 B, before set-up falls to a tenth (10 000 000 B).
        assertEquals(2_000_000, SmallFileCalibration.threshold(1_000_000, 1.0, 1.5));
    }

    @Test
    void theThresholdStopsWhereSetUpIsATenthOfTheResponseWhenThePathsCostTheSamePerByte() {
        assertEquals(10_000_000, SmallFileCalibration.threshold(1_000_000, 1.0, 1.0));
        assertEquals(10_000_000, SmallFileCalibration.threshold(1_000_000, 1.0, 0.9));
        assertEquals(0, SmallFileCalibration.threshold(0, 1.0, 1.0));
    }

    @Test
    void measuresBothPathsOverARealTlsConnectionAndLeavesNothingBehind() throws Exception {
        final TlsContexts.Identity identity = TlsContexts.selfSigned(dir.resolve("tls"));
        try (FlowSwitch node = FlowSwitch.start()) {
            final SmallFileCalibration.Result result = SmallFileCalibration.measure(node, identity, 64 * 1024, dir);
            assertTrue(result.setupNs() > 0, "a flow costs something to set up: " + result);
            assertTrue(result.flowNsPerByte() > 0 && result.softwareNsPerByte() > 0, result.toString());
            assertEquals(SmallFileCalibration.threshold(result.setupNs(), result.flowNsPerByte(),
                result.softwareNsPerByte()), result.thresholdBytes());
            assertEquals(0, node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).liveLeases());
        }
        assertEquals(0, TlsEndpoints.borrowed());
        try (var left = Files.list(dir)) {
            assertEquals(java.util.List.of(dir.resolve("tls")), left.toList(), "scratch files removed");
        }
    }

    @Test
    void measuresWhileEveryCommonPoolWorkerIsBusy() throws Exception {
        // The server command may calibrate from a common-pool thread; on a small machine that is the only
        // one, so the loopback reader must not wait for the pool.
        final TlsContexts.Identity identity = TlsContexts.selfSigned(dir.resolve("tls"));
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final java.util.List<java.util.concurrent.ForkJoinTask<?>> busy = new java.util.ArrayList<>();
        for (int i = 0; i < java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(); i++) {
            // Busy for 30 s at most, so a calibration that waits for the pool fails rather than hangs.
            busy.add(java.util.concurrent.ForkJoinPool.commonPool().submit(() -> release.await(30, TimeUnit.SECONDS)));
        }
        try (FlowSwitch node = FlowSwitch.start()) {
            final SmallFileCalibration.Result result = SmallFileCalibration.measure(node, identity, 64 * 1024, dir);
            assertTrue(result.flowNsPerByte() > 0, result.toString());
        } finally {
            release.countDown();
            for (java.util.concurrent.ForkJoinTask<?> task : busy) {
                task.get(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aClientThatCannotConnectFailsCalibrationAtOnceAndSaysWhy() throws Exception {
        final TlsContexts.Identity server = TlsContexts.selfSigned(dir.resolve("tls"));
        final TlsContexts.Identity other = TlsContexts.selfSigned(dir.resolve("other-tls"));
        // The client trusts another certificate than the one the server shows.
        final TlsContexts.Identity mismatched = new TlsContexts.Identity(server.context(), other.certificate());
        try (FlowSwitch node = FlowSwitch.start()) {
            final long startNs = System.nanoTime();
            final IllegalStateException error = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> SmallFileCalibration.measure(node, mismatched, 64 * 1024, dir));
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(error.getMessage().startsWith("small-file calibration: the loopback TLS handshake failed"),
                error.getMessage());
            assertTrue(error.getMessage().contains("the loopback client: "), error.getMessage());
            assertTrue(elapsedMs < SmallFileCalibration.HANDSHAKE_TIMEOUT_MS, "failed after " + elapsedMs + " ms");
            assertEquals(0, node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).liveLeases());
        }
        assertEquals(0, TlsEndpoints.borrowed());
    }
}
