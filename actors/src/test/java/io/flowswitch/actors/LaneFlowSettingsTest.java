package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flowswitch.node.lane-flows} and {@code kept-pool-bytes}: a node runs a lane flow as plain loops or as
 * stream graphs, with kept pools or without, and writes the same bytes either way; a bad value stops the start
 * and names its key.
 */
class LaneFlowSettingsTest {
    @TempDir
    Path dir;

    @Test
    void loopAndStreamLanesWithAndWithoutKeptPoolsWriteTheSameBytes() throws Exception {
        final byte[] data = new byte[(5 << 16) + 77];
        new SplittableRandom(5).nextBytes(data);
        final Path in = Files.write(dir.resolve("in.bin"), data);
        byte[] expected = null;
        for (String setting : new String[] {"lane-flows = loop", "lane-flows = stream, kept-pool-bytes = 0"}) {
            try (FlowSwitch node = start("flowswitch.node { " + setting + " }")) {
                for (int i = 0; i < 3; i++) {
                    final Path out = dir.resolve("out-" + i + "-" + setting.hashCode() + ".bin");
                    final FlowSpec spec = Flows.from(Devices.file(in))
                        .via(StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex", "0102030405060708090a0b0c"), 2)
                        .to(Devices.fileSink(out)).key("k", new byte[32]).name("lanes").build();
                    final FlowResult result = node.run(spec).completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
                    assertTrue(result.succeeded(), () -> setting + ": " + result.error());
                    final byte[] written = Files.readAllBytes(out);
                    if (expected == null) {
                        expected = written;
                    }
                    assertArrayEquals(expected, written, setting + ", flow " + i);
                }
            }
        }
    }

    @Test
    void aBadLaneFlowsSettingStopsTheStartAndNamesTheKey() {
        final ConfigException error = assertThrows(ConfigException.class,
            () -> start("flowswitch.node.lane-flows = actors").close());
        assertTrue(error.getMessage().contains("flowswitch.node.lane-flows") && error.getMessage().contains("loop or stream")
            && error.getMessage().contains("'actors'"), error.getMessage());
    }

    @Test
    void aNegativeKeptPoolSizeStopsTheStartAndNamesTheKey() {
        final ConfigException error = assertThrows(ConfigException.class,
            () -> start("flowswitch.node.kept-pool-bytes = -1").close());
        assertTrue(error.getMessage().contains("flowswitch.node.kept-pool-bytes"), error.getMessage());
    }

    private static FlowSwitch start(String hocon) {
        return FlowSwitch.start(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()),
            DeviceCatalog.builtIn());
    }
}
