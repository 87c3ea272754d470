package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.accel.SharedAccelerator;
import io.flowswitch.devices.accel.SharedAcceleratorKind;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows sharing a modelled accelerator get throughput by weight, and the rate is re-split when one leaves.
 * What is asserted exactly is the split the flow manager assigns (each flow's device paces at its part, read
 * per chunk): that is arithmetic. What is measured is bounded only from the side a loaded machine cannot
 * cross: pacing caps progress, so bytes over a clock started before the flows are bounded above, and time
 * for all the bytes is bounded below. The measured ratio is the experiment's ({@code experiment fairness}).
 */
class FairSharingTest {
    private static final long MIB = 1 << 20;
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final long CARD_BYTES_PER_SECOND = 16 * MIB;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    private static FlowSwitch start(String config) {
        return FlowSwitch.start(ConfigFactory.parseString(config).withFallback(ConfigFactory.load()),
            DeviceCatalog.builtIn());
    }

    private FlowHandle run(FlowSwitch node, Path in, String out, int weight) {
        return node.run(Flows.from(Devices.file(in)).via(StageSpec.of("aes-card")).to(Devices.fileSink(dir.resolve(out)))
            .chunkBytes(CHUNK_BYTES).weight(weight).name(out).build());
    }

    /** Waits, with a deadline no loaded machine reaches, until {@code done} holds. */
    private static void await(String what, BooleanSupplier done) throws Exception {
        Eventually.assertWithin(Duration.ofSeconds(30), what, done::getAsBoolean);
    }

    /** The most bytes a device pacing at {@code bytesPerSecond} can have passed in {@code elapsedNs}. */
    private static double paced(long bytesPerSecond, long elapsedNs) {
        return (double) bytesPerSecond * elapsedNs / NANOS_PER_SECOND;
    }

    @Test
    void weightsThreeToOneSplitTheCardThreeToOneAndTheSurvivorGetsTheWholeCard() throws Exception {
        final byte[] bytes = new byte[(int) (16 * MIB)];
        new Random(1).nextBytes(bytes);
        final Path in = Files.write(dir.resolve("in.bin"), bytes);
        try (FlowSwitch node = start("flowswitch.accelerators.aes-card { instances = 1, rate-bytes-per-second = 16MiB }")) {
            final FlowManager.KindUsage card = node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).kinds()
                .get("aes-card");
            assertEquals(1, card.instances());
            assertEquals(CARD_BYTES_PER_SECOND, card.rateBytesPerSecond());
            final SharedAccelerator model = ((SharedAcceleratorKind) node.catalog().find("aes-card").orElseThrow())
                .instances().get(0);

            final long heavyStartNs = System.nanoTime();
            final FlowHandle heavy = run(node, in, "heavy.bin", 3);
            heavy.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(CARD_BYTES_PER_SECOND, model.shareOf(heavy.flowId()), "alone, the whole card");
            final long lightStartNs = System.nanoTime();
            final FlowHandle light = run(node, in, "light.bin", 1);
            light.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(12 * MIB, model.shareOf(heavy.flowId()), "weight 3 of 4");
            assertEquals(4 * MIB, model.shareOf(light.flowId()), "weight 1 of 4");

            // A sample while both still share the card (the light flow's part is a quarter after the read, so
            // every byte it moved was paced at a quarter).
            await("the light flow to move 1 MiB", () -> light.bytesDone() >= MIB || heavy.completion()
                .toCompletableFuture().isDone());
            final long heavyBytes = heavy.bytesDone();
            final long lightBytes = light.bytesDone();
            final long sampleNs = System.nanoTime();
            if (model.shareOf(light.flowId()) == 4 * MIB) {
                assertTrue(lightBytes <= paced(4 * MIB, sampleNs - lightStartNs) + CHUNK_BYTES,
                    "the light flow moved " + lightBytes + " bytes in " + (sampleNs - lightStartNs)
                        + " ns, beyond its quarter of the card");
                // Together they never beat the card (the heavy flow had it alone until the light one came).
                assertTrue(heavyBytes + lightBytes <= paced(CARD_BYTES_PER_SECOND, sampleNs - heavyStartNs)
                    + 2 * CHUNK_BYTES, "together " + (heavyBytes + lightBytes) + " bytes in "
                    + (sampleNs - heavyStartNs) + " ns, beyond the card's rate");
                // Same work per byte, a head start and three times the part: behind would mean weights are ignored.
                assertTrue(heavyBytes > lightBytes, "weights 3:1 gave " + heavyBytes + " : " + lightBytes);
            }

            final FlowResult heavyResult = heavy.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertNull(heavyResult.error(), () -> "heavy: " + heavyResult.error());
            await("the survivor's re-split", () -> model.shareOf(light.flowId()) == CARD_BYTES_PER_SECOND);
            assertEquals(-1, model.shareOf(heavy.flowId()), "the finished flow holds no part");
            assertEquals(1, model.tenants());
            final FlowResult lightResult = light.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertNull(lightResult.error(), () -> "light: " + lightResult.error());
            final long endNs = System.nanoTime();
            // The manager releases the flow's part after its result is out.
            await("the card to be free", () -> model.tenants() == 0);

            final byte[] expected = MessageDigest.getInstance("SHA-256").digest(bytes);
            for (String out : new String[] {"heavy.bin", "light.bin"}) {
                final byte[] written = Files.readAllBytes(dir.resolve(out));
                assertArrayEquals(expected, MessageDigest.getInstance("SHA-256").digest(written),
                    out + " differs from the input");
            }
            // 32 MiB through a 16 MiB/s card: never under two seconds, however the two shared it.
            assertTrue(2.0 * bytes.length - 2 * CHUNK_BYTES <= paced(CARD_BYTES_PER_SECOND, endNs - heavyStartNs),
                "both flows done in " + (endNs - heavyStartNs) + " ns, beyond the card's rate");
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
