package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows sharing a modelled accelerator get throughput by weight, and the rate is re-split when one leaves.
 * The bands are wide on purpose (a loaded machine must not fail them); the experiment measures the figure.
 */
class FairSharingTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private static FlowSwitch start(String config) {
        return FlowSwitch.start(ConfigFactory.parseString(config).withFallback(ConfigFactory.load()),
            DeviceCatalog.builtIn());
    }

    private FlowHandle run(FlowSwitch node, Path in, String out, int weight) {
        return node.run(Flows.from(Devices.file(in)).via(StageSpec.of("aes-card")).to(Devices.fileSink(dir.resolve(out)))
            .chunkBytes(64 * 1024).weight(weight).name(out).build());
    }

    @Test
    void weightsThreeToOneGetAboutThreeToOneAndTheSurvivorGetsTheWholeCard() throws Exception {
        final byte[] bytes = new byte[(int) (16 * MIB)];
        new Random(1).nextBytes(bytes);
        final Path in = Files.write(dir.resolve("in.bin"), bytes);
        try (FlowSwitch node = start("flowswitch.accelerators.aes-card { instances = 1, rate-bytes-per-second = 16MiB }")) {
            final FlowManager.KindUsage card = node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).kinds()
                .get("aes-card");
            assertEquals(1, card.instances());
            assertEquals(16 * MIB, card.rateBytesPerSecond());

            final FlowHandle heavy = run(node, in, "heavy.bin", 3);
            final FlowHandle light = run(node, in, "light.bin", 1);
            heavy.running().toCompletableFuture().get(5, TimeUnit.SECONDS);
            light.running().toCompletableFuture().get(5, TimeUnit.SECONDS);
            Thread.sleep(200);
            final long heavyStart = heavy.bytesDone();
            final long lightStart = light.bytesDone();
            Thread.sleep(600);
            final double heavyBytes = heavy.bytesDone() - heavyStart;
            final double lightBytes = light.bytesDone() - lightStart;
            assertTrue(lightBytes > 0, "the light flow moved");
            final double ratio = heavyBytes / lightBytes;
            assertTrue(ratio > 2.0 && ratio < 4.5, "weights 3:1 gave " + ratio + " (" + heavyBytes + " : " + lightBytes + ")");
            // Together they never beat the card's rate: 16 MiB/s over 0.6 s, with a chunk each of slack.
            assertTrue(heavyBytes + lightBytes <= 16 * MIB * 0.6 * 1.1 + 2 * 64 * 1024,
                "together " + (heavyBytes + lightBytes) + " bytes in 0.6 s");

            heavy.cancel("the test has seen the split");
            final FlowResult heavyResult = heavy.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("CANCELLED", ((io.flowswitch.flow.FlowException) heavyResult.error()).code());
            Thread.sleep(200);
            final long before = light.bytesDone();
            Thread.sleep(500);
            final double alone = light.bytesDone() - before;
            // A quarter of the card before, the whole card now.
            assertTrue(alone > 2 * lightBytes * 500 / 600, "alone " + alone + " bytes in 0.5 s, shared " + lightBytes
                + " in 0.6 s");
            light.cancel("done");
            light.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void badAcceleratorConfigurationNamesTheKeys() {
        final ConfigException error = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
            () -> start("flowswitch.accelerators { aes-card { instances = 0, rate-bytes-per-second = fast }, "
                + "gzip { instances = 1, rate-bytes-per-second = 1MiB }, card2 { instances = 1 } }"));
        final String message = error.getMessage();
        assertTrue(message.contains("flowswitch.accelerators.aes-card.instances must be a whole number"), message);
        assertTrue(message.contains("flowswitch.accelerators.aes-card.rate-bytes-per-second must be a size"), message);
        assertTrue(message.contains("'gzip' is a built-in device kind"), message);
        assertTrue(message.contains("flowswitch.accelerators.card2.rate-bytes-per-second is missing"), message);
        final ConfigException tooMany = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
            () -> start("flowswitch.accelerators.aes-card { instances = 2, rate-bytes-per-second = 1MiB }\n"
                + "flowswitch.pool.aes-card.instances = 3"));
        assertTrue(tooMany.getMessage().contains("leases 3 instances of accelerator 'aes-card' but"), tooMany.getMessage());
    }
}
