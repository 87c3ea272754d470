package io.flowswitch.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.actors.FlowManager;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.Grants;
import io.flowswitch.scheduler.PoolDefaults;
import io.flowswitch.scheduler.RateChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Whether a running flow that grows past the replicas it was planned with gets the throughput back, side by
 * side in one process: the same flow, file -> rate-limit (replicas auto) -> crc32c -> file, asking for
 * {@code 4 × R}, on a node whose rate limiter was measured at {@code 4 × R} per instance (so the plan is one
 * replica) while each replica's device really runs at {@code R}. One second into the flow the node measures
 * {@code R}: the re-plan asks for four replicas. The system (the default {@code max-replica-ceiling}, 16)
 * unparks three more and leases their instances; the baseline ({@code max-replica-ceiling = 1}, a flow
 * compiled as planned, as before) keeps its one. Reported per run: the rate from the re-plan to the end, and
 * the ratio of the medians. Usage: {@code ReplicaGrowthBench [rateMiB] [sizeMiB] [runs] [dir]}.
 */
public final class ReplicaGrowthBench {
    private static final long MIB = 1L << 20;
    private static final int CHUNK = 64 * 1024;
    private static final long REPLAN_AFTER_MS = 1000;

    private ReplicaGrowthBench() {
    }

    public static void main(String[] args) throws Exception {
        final long rate = (args.length > 0 ? Long.parseLong(args[0]) : 16) * MIB;
        final int sizeMib = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        final int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        final Path dir = Files.createTempDirectory(args.length > 3 ? Path.of(args[3])
            : Path.of(System.getProperty("java.io.tmpdir")), "replica-growth");
        final byte[] data = new byte[sizeMib << 20];
        new Random(1).nextBytes(data);
        final Path in = Files.write(dir.resolve("in.bin"), data);
        final Path out = dir.resolve("out.bin");
        final List<Double> grown = new ArrayList<>();
        final List<Double> kept = new ArrayList<>();
        try {
            System.out.printf(Locale.ROOT, "rate-limit R = %d MiB/s per replica, flow asks 4R, %d MiB, re-plan after"
                + " %d ms%n", rate / MIB, sizeMib, REPLAN_AFTER_MS);
            System.out.println("run  ceiling  replicas  MiB/s before  MiB/s after re-plan");
            for (int r = 0; r < runs; r++) {
                // Alternating, so that a change in the machine's load falls on both alike.
                for (int ceiling : r % 2 == 0 ? new int[] {16, 1} : new int[] {1, 16}) {
                    final double[] measured = run(rate, ceiling, in, out);
                    System.out.printf(Locale.ROOT, "%3d  %7d  %8d  %12.1f  %19.1f%n", r, ceiling, (int) measured[2],
                        measured[0] / MIB, measured[1] / MIB);
                    (ceiling > 1 ? grown : kept).add(measured[1]);
                }
            }
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(dir);
        }
        Collections.sort(grown);
        Collections.sort(kept);
        final double system = grown.get(grown.size() / 2);
        final double baseline = kept.get(kept.size() / 2);
        System.out.printf(Locale.ROOT, "after the re-plan, median: grows %.1f MiB/s (%.2f of 4R), keeps its replica"
            + " %.1f MiB/s (%.2f of R), ratio %.2f%n", system / MIB, system / (4.0 * rate), baseline / MIB,
            baseline / rate, system / baseline);
    }

    /** One flow; returns its rate before and after the re-plan (bytes per second) and its replicas at the end. */
    private static double[] run(long rate, int ceiling, Path in, Path out) throws Exception {
        final Config config = ConfigFactory.parseString("flowswitch.node.progress-interval = 0\n"
            + "flowswitch.node.max-replica-ceiling = " + ceiling + "\n"
            + "flowswitch.pool.rate-limit { instances = 4, rate-bytes-per-second = " + 4 * rate + " }")
            .withFallback(ConfigFactory.load());
        final DeviceCatalog catalog = DeviceCatalog.builtIn();
        // Planned with 4R per instance, as if measured so before the device slowed down.
        final FlowManager.RateSensing sensing = new FlowManager.RateSensing(Map.of("rate-limit", 4.0 * rate),
            Set.of("rate-limit"), Set.of("rate-limit"), FlowManager.DEFAULT_HALF_LIFE_NS, 1L << 30,
            RateChange.DEFAULT);
        final ActorSystem<FlowManager.Command> node = ActorSystem.create(FlowManager.create(
            new FlowCompiler(catalog, null), DevicePool.fromConfig(config, DevicePool.fromCatalog(catalog,
                PoolDefaults.STANDARD)), Grants.unrestricted(), 8, sensing), "replica-growth", config);
        try {
            final FlowSpec spec = Flows.from(Devices.file(in)).via(Devices.rateLimit(rate, 0).withAutoReplicas())
                .via(Devices.crc32c()).to(Devices.fileSink(out)).chunkBytes(CHUNK).rateBytesPerSecond(4 * rate)
                .build();
            final CompletableFuture<CompiledFlow> compiled = new CompletableFuture<>();
            final CompletableFuture<FlowResult> result = new CompletableFuture<>();
            node.tell(new FlowManager.OpenFlow(1, spec, compiled, result));
            final CompiledFlow flow = compiled.get(30, TimeUnit.SECONDS);
            final long startNs = System.nanoTime();
            Thread.sleep(REPLAN_AFTER_MS);
            final long replanBytes = flow.bytesDone();
            final long replanNs = System.nanoTime();
            final long bytes = 1L << 30;
            node.tell(new FlowManager.StagesMeasured(0, List.of(new FlowManager.RateSample("rate-limit", bytes,
                bytes * 1_000_000_000L / rate))));
            final FlowResult done = result.get(10, TimeUnit.MINUTES);
            final long endNs = System.nanoTime();
            if (!done.succeeded()) {
                throw new IllegalStateException("flow failed", done.error());
            }
            return new double[] {replanBytes * 1e9 / (replanNs - startNs),
                (done.bytesOut() - replanBytes) * 1e9 / (endNs - replanNs), flow.activeReplicas(1)};
        } finally {
            node.terminate();
            node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
