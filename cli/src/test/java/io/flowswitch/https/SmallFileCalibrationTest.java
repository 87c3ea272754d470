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
}
