package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.scheduler.Rates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node measures its devices: a self-benchmark at start, then the stages of every flow that succeeds. */
class CapabilitySensingTest {
    @TempDir
    Path dir;

    private static FlowSwitch start(String config) {
        final Config loaded = ConfigFactory.parseString(config).withFallback(ConfigFactory.load());
        return FlowSwitch.start(loaded, DeviceCatalog.builtIn());
    }

    private static FlowManager.KindUsage usage(FlowSwitch node, String kind) throws Exception {
        return node.usage().toCompletableFuture().get(10, TimeUnit.SECONDS).kinds().get(kind);
    }

    private static double described(FlowSwitch node, String instance) throws Exception {
        final List<DeviceActor.Description> devices = node.devices().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return devices.stream().filter(d -> d.instance().equals(instance)).findFirst().orElseThrow()
            .capabilities().getMeasuredBytesPerSecond();
    }

    @Test
    void selfBenchmarkAtStartGivesAesGcmEncryptAMeasuredRateThatAdmissionUses() throws Exception {
        final long startNs = System.nanoTime();
        try (FlowSwitch node = start("flowswitch.node { self-benchmark = on, self-benchmark-sets-capacity = on }")) {
            final long startedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            final FlowManager.KindUsage aes = usage(node, "aes-gcm-encrypt");
            assertTrue(aes.measuredBytesPerSecond() > 0, aes::toString);
            assertEquals(Math.round(aes.measuredBytesPerSecond()), aes.rateBytesPerSecond(),
                "the ledger plans with the measured rate");
            assertEquals(aes.measuredBytesPerSecond(), described(node, "aes-gcm-encrypt#0"),
                "the instances describe the measured rate");
            assertEquals(0, usage(node, "rate-limit").measuredBytesPerSecond(), "a rate limiter is never benchmarked");
            assertEquals(0, described(node, "file-source#0"), "a file's speed depends on its path");
            System.out.printf("node started in %d ms; measured: aes-gcm-encrypt %s, sha256 %s, crc32c %s, gzip %s%n",
                startedMs, Rates.format(aes.measuredBytesPerSecond()),
                Rates.format(usage(node, "sha256").measuredBytesPerSecond()),
                Rates.format(usage(node, "crc32c").measuredBytesPerSecond()),
                Rates.format(usage(node, "gzip").measuredBytesPerSecond()));
        }
    }

    @Test
    void aConfiguredRateWinsOverTheSelfBenchmark() throws Exception {
        try (FlowSwitch node = start("flowswitch.node.self-benchmark = on\n"
            + "flowswitch.pool.sha256 { rate-bytes-per-second = 100MiB }")) {
            final FlowManager.KindUsage sha256 = usage(node, "sha256");
            assertEquals(100L << 20, sha256.rateBytesPerSecond());
            assertEquals(0, sha256.measuredBytesPerSecond(), "a kind with a configured rate is not benchmarked");
            assertTrue(usage(node, "crc32c").measuredBytesPerSecond() > 0);
        }
    }

    @Test
    void aFlowThatSucceedsUpdatesItsKindsMeasuredRate() throws Exception {
        final Path in = dir.resolve("in.bin");
        final byte[] data = new byte[4 << 20];
        new Random(7).nextBytes(data);
        Files.write(in, data);
        try (FlowSwitch node = start("flowswitch.node.self-benchmark = off")) {
            final FlowManager.KindUsage before = usage(node, "sha256");
            assertEquals(0, before.measuredBytesPerSecond(), "no self-benchmark, no flow yet");

            final FlowResult result = node.run(Flows.from(Devices.file(in)).via(Devices.sha256())
                    .to(Devices.fileSink(dir.resolve("out.bin"))).build())
                .completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertTrue(result.succeeded(), () -> String.valueOf(result.error()));

            final FlowManager.KindUsage after = usage(node, "sha256");
            assertTrue(after.measuredBytesPerSecond() > 0, after::toString);
            assertEquals(before.rateBytesPerSecond(), after.rateBytesPerSecond(),
                "the ledger keeps planning with the rate it started with");
            assertEquals(after.measuredBytesPerSecond(), described(node, "sha256#0"));
            assertEquals(0, usage(node, "file-source").measuredBytesPerSecond(), "only CPU-bound transforms are sensed");
            System.out.printf("sha256 measured by a 4 MiB flow: %s%n", Rates.format(after.measuredBytesPerSecond()));
        }
    }
}
