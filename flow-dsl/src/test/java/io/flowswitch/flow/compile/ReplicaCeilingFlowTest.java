package io.flowswitch.flow.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage compiled with a ceiling of replicas: it runs its spec's replicas, the others parked, costing no
 * chunk; unparked while the flow runs, the pool grows first and every byte still comes out once, in order.
 */
class ReplicaCeilingFlowTest {
    @RegisterExtension
    static final FlowRunner RUNNER = new FlowRunner("replica-ceiling");
    private static final int CHUNK_BYTES = 4096;
    private static final Pattern POOL = Pattern.compile("pool \\d+/(\\d+) free");

    @TempDir
    Path dir;

    /** file -> rate-limit (one replica) -> crc32c -> file; crc32c keeps it off lanes, so the replicas are balanced. */
    private FlowSpec spec(Path in, Path out, long rateBytesPerSecond, Transport transport) {
        return Flows.from(Devices.file(in)).via(Devices.rateLimit(rateBytesPerSecond, 0)).via(Devices.crc32c())
            .to(Devices.fileSink(out)).chunkBytes(CHUNK_BYTES).transport(transport).build();
    }

    private static List<Integer> poolCapacities(CompiledFlow flow) {
        final List<Integer> capacities = new ArrayList<>();
        final Matcher matcher = POOL.matcher(flow.debugState());
        while (matcher.find()) {
            capacities.add(Integer.parseInt(matcher.group(1)));
        }
        return capacities;
    }

    private static long[] chunksPerReplica(FlowResult result) {
        return result.stages().stream().filter(r -> r.counters().stage().startsWith("2:"))
            .mapToLong(r -> r.counters().chunksIn()).toArray();
    }

    private byte[] input(int size, long seed) throws Exception {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Files.write(dir.resolve("in.bin"), bytes);
        return bytes;
    }

    @Test
    void parkedReplicasTakeNoChunkAndCostNoChunkBuffer() throws Exception {
        final byte[] bytes = input(64 * 1024 + 1, 41);
        final FlowCompiler compiler = new FlowCompiler(DeviceCatalog.builtIn(), null);
        final CompiledFlow two = compiler.compileChecked(spec(dir.resolve("in.bin"), dir.resolve("two.bin"), 1L << 30,
            Transport.FUSED), 1, List.of(1, 2, 1, 1));
        final CompiledFlow sixteen = compiler.compileChecked(spec(dir.resolve("in.bin"), dir.resolve("sixteen.bin"),
            1L << 30, Transport.FUSED), 2, List.of(1, 16, 1, 1));
        assertEquals(List.of(2, 16), List.of(two.replicaCeiling(1), sixteen.replicaCeiling(1)));
        assertEquals(1, sixteen.activeReplicas(1), "only the spec's replica runs");
        assertEquals(poolCapacities(two), poolCapacities(sixteen), "fourteen more parked replicas, no more chunks");
        final FlowResult result = RUNNER.start(sixteen).get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("sixteen.bin")));
        final long[] chunks = chunksPerReplica(result);
        assertEquals(16, chunks.length);
        assertEquals(bytes.length / CHUNK_BYTES + 1, chunks[0], Arrays.toString(chunks));
        assertTrue(RUNNER.start(two).get(30, TimeUnit.SECONDS).succeeded());
    }

    @Test
    void aSmallFlowOrAStatefulStageIsCompiledAsItsSpecSays() throws Exception {
        input(3 * CHUNK_BYTES, 42);
        final FlowCompiler compiler = new FlowCompiler(DeviceCatalog.builtIn(), null);
        final CompiledFlow small = compiler.compileChecked(spec(dir.resolve("in.bin"), dir.resolve("small.bin"),
            1L << 30, Transport.FUSED), 3, List.of(1, 4, 1, 1));
        assertEquals(1, small.replicaCeiling(1), "a small flow runs as one island: nothing to grow");
        assertFalse(small.resizeReplicas(1, 2));
        assertTrue(RUNNER.start(small).get(30, TimeUnit.SECONDS).succeeded());
        input(64 * 1024, 43);
        final CompiledFlow gzip = compiler.compileChecked(Flows.from(Devices.file(dir.resolve("in.bin")))
            .via(Devices.gzip(1)).to(Devices.fileSink(dir.resolve("gz.bin"))).chunkBytes(CHUNK_BYTES).build(), 4,
            List.of(1, 4, 1));
        assertEquals(1, gzip.replicaCeiling(1), "gzip is stateful: pinned to one instance");
        assertTrue(RUNNER.start(gzip).get(30, TimeUnit.SECONDS).succeeded());
    }

    @Test
    void unparkingWhileTheFlowRunsGrowsThePoolFirstAndKeepsEveryByteInOrder() throws Exception {
        final byte[] bytes = input(384 * 1024 + 9, 44);
        try (MediaDriverNode driver = MediaDriverNode.launch()) {
            for (Transport transport : Transport.values()) {
                final Path out = dir.resolve("out-" + transport + ".bin");
                final CompiledFlow flow = new FlowCompiler(DeviceCatalog.builtIn(), driver).compileChecked(
                    spec(dir.resolve("in.bin"), out, 1L << 20, transport), 5, List.of(1, 4, 1, 1));
                final int before = poolCapacities(flow).get(1);
                final var result = RUNNER.start(flow);
                Eventually.assertWithin(Duration.ofSeconds(10), "the flow reading", () -> flow.bytesRead() > 0);
                assertTrue(flow.resizeReplicas(1, 4));
                assertEquals(before + 3 * 6, poolCapacities(flow).get(1), transport + ": six chunks per replica");
                final FlowResult done = result.get(30, TimeUnit.SECONDS);
                assertTrue(done.succeeded(), transport + ": " + done.error());
                assertArrayEquals(bytes, Files.readAllBytes(out), transport.toString());
                final long[] chunks = chunksPerReplica(done);
                assertEquals(bytes.length / CHUNK_BYTES + 1, Arrays.stream(chunks).sum());
                assertTrue(Arrays.stream(chunks).allMatch(c -> c > 0), transport + ": every replica ran once unparked "
                    + Arrays.toString(chunks));
                assertFalse(flow.resizeReplicas(1, 2), "a flow that ended takes no resize");
            }
        }
    }
}
