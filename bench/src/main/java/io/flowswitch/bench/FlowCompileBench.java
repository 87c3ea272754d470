package io.flowswitch.bench;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;

/**
 * Compile and materialise alone, without a node: no leases, no actors but the stream's own. Each sample
 * is {@code FlowCompiler.compile} of a 5-stage flow (open the input, create the partial output, the
 * devices, the fused ports, the pool) and {@code CompiledFlow.run} up to its return (every island
 * materialised); the flow then moves its one 4 KiB chunk and ends outside the timed part. Beside it, in
 * the same run, the whole flow to its result, the figure {@link FlowSetupBench} measures with a node.
 * Prints p50, p99, p99.9 and max of each. Usage: {@code FlowCompileBench [flows] [dir]}.
 */
public final class FlowCompileBench {
    private FlowCompileBench() {
    }

    public static void main(String[] args) throws Exception {
        final int flows = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        final Path dir = Files.createTempDirectory(args.length > 1 ? Path.of(args[1])
            : Path.of(System.getProperty("java.io.tmpdir")), "compile");
        final Path in = Files.write(dir.resolve("in.bin"), new byte[4096]);
        final Path out = dir.resolve("out.bin");
        final FlowSpec spec = Flows.from(Devices.file(in))
            .via(Devices.rateLimit(1L << 40, 0))
            .via(Devices.crc32c())
            .via(Devices.sha256())
            .to(Devices.fileSink(out))
            .chunkBytes(4096)
            .build();
        final Histogram compile = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final Histogram compileAndMaterialise = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final Histogram whole = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final FlowCompiler compiler = new FlowCompiler(DeviceCatalog.builtIn(), null);
        final ActorSystem system = ActorSystem.create("flow-compile-bench");
        try {
            final Materializer materializer = Materializer.createMaterializer(system);
            for (int i = 0; i < flows / 5; i++) {
                run(compiler, materializer, spec, i, null, null, null); // warm-up
            }
            for (int i = 0; i < flows; i++) {
                run(compiler, materializer, spec, flows + i, compile, compileAndMaterialise, whole);
            }
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
            Files.deleteIfExists(in);
            Files.deleteIfExists(dir);
        }
        System.out.printf(Locale.ROOT, "5-stage flow (file -> rate-limit -> crc32c -> sha256 -> file, one 4 KiB chunk,"
            + " fused), %d flows after %d warm-up, no node%n", flows, flows / 5);
        print("compile", compile);
        print("compile + materialise", compileAndMaterialise);
        print("whole flow to its result", whole);
    }

    private static void run(FlowCompiler compiler, Materializer materializer, FlowSpec spec, long flowId,
        Histogram compile, Histogram compileAndMaterialise, Histogram whole) throws Exception {
        final long startNs = System.nanoTime();
        final CompiledFlow flow = compiler.compile(spec, flowId);
        final long compiledNs = System.nanoTime();
        final var completion = flow.run(materializer);
        final long materialisedNs = System.nanoTime();
        final FlowResult result = completion.toCompletableFuture().get(30, TimeUnit.SECONDS);
        final long doneNs = System.nanoTime();
        if (!result.succeeded()) {
            throw new IllegalStateException("flow failed: " + result.error(), result.error());
        }
        if (compile != null) {
            compile.recordValue(compiledNs - startNs);
            compileAndMaterialise.recordValue(materialisedNs - startNs);
            whole.recordValue(doneNs - startNs);
        }
    }

    private static void print(String what, Histogram h) {
        System.out.printf(Locale.ROOT, "  %-26s p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms%n", what,
            h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6,
            h.getMaxValue() / 1e6);
    }
}
