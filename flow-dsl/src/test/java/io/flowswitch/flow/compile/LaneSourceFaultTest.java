package io.flowswitch.flow.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.fault.Fault;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fault injected into the source of a flow that runs as lanes (file, rate-limit x4, file) fires at its own
 * chunk whatever lane claims that chunk from the lanes' cursor, and the flow ends as the same flow run as a
 * chain does: same code, same sentence, naming the same chunk. Each case runs a few times, since which lane
 * claims which chunk changes from run to run.
 */
class LaneSourceFaultTest {
    private static final int CHUNK = 16 * 1024;
    private static final int CHUNKS = 16;
    private static final int LANES = 4;
    private static final int RUNS = 3;
    @RegisterExtension
    static final FlowRunner flows = new FlowRunner("lane-source-fault-test");

    @TempDir
    Path dir;

    static Stream<Arguments> faults() {
        return Stream.of("permanent@3", "permanent@" + (CHUNKS - 1), "crash@5", "crash@" + (CHUNKS - 1),
            "transient@" + (CHUNKS - 1), "slow@" + (CHUNKS - 1) + ":1ms").map(Arguments::of);
    }

    @ParameterizedTest(name = "file-source with {0}")
    @MethodSource("faults")
    void aSourceFaultInLanesFiresAtItsChunkAndEndsTheFlowAsInAChain(String fault) throws Exception {
        final byte[] data = new byte[CHUNKS * CHUNK];
        new SplittableRandom(fault.hashCode()).nextBytes(data);
        final Path in = Files.write(dir.resolve("in.bin"), data);

        final FlowResult chain = run(spec(in, fault, 1), 1);
        for (int run = 0; run < RUNS; run++) {
            final CompiledFlow lanes = flows.compile(spec(in, fault, LANES), 2 + run);
            assertEquals(LANES, lanes.lanes(), "the flow runs as lanes");
            final FlowResult result = flows.start(lanes).get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(chain.succeeded(), result.succeeded(), () -> "chain: " + chain.error() + ", lanes: "
                + result.error());
            if (chain.succeeded()) {
                assertTrue(Arrays.equals(data, Files.readAllBytes(dir.resolve("out.bin"))), "bytes out are bytes in");
            } else {
                final DeviceException chainCause = cause(chain.error());
                final DeviceException lanesCause = cause(result.error());
                assertEquals(chainCause.code(), lanesCause.code(), result.error()::toString);
                assertEquals(chainCause.getMessage(), lanesCause.getMessage(), "the same chunk, in the same words");
                assertTrue(lanesCause.getMessage().contains("at chunk " + Fault.parse(fault, "test").atChunk()),
                    lanesCause.getMessage());
            }
            StreamTestKit.assertAllStagesStopped(flows.materializer());
        }
        assertEquals(fault.startsWith("slow"), chain.succeeded(), "only a slow source lets the flow through");
    }

    private FlowResult run(FlowSpec spec, long flowId) throws Exception {
        final FlowResult result = flows.run(spec, flowId, 20);
        StreamTestKit.assertAllStagesStopped(flows.materializer());
        return result;
    }

    private FlowSpec spec(Path in, String fault, int replicas) {
        return Flows.from(Devices.file(in).withFault(Fault.parse(fault, "test")))
            .via(Devices.rateLimit(1L << 30, 0), replicas)
            .to(Devices.fileSink(dir.resolve("out.bin"))).chunkBytes(CHUNK).build();
    }

    private static DeviceException cause(Throwable error) {
        Throwable at = error;
        while (at != null && !(at instanceof DeviceException)) {
            at = at.getCause();
        }
        assertTrue(at instanceof DeviceException, () -> "a device's error: " + error);
        return (DeviceException) at;
    }
}
