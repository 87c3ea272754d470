package io.flowswitch.bench;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.flow.compile.FlowCompiler;
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
        final Histogram compile = SmallFlow.newHistogram();
        final Histogram compileAndMaterialise = SmallFlow.newHistogram();
        final Histogram whole = SmallFlow.newHistogram();
        final FlowCompiler compiler = new FlowCompiler(DeviceCatalog.builtIn(), null);
        final ActorSystem system = ActorSystem.create("flow-compile-bench");
        final int flows;
        final int warmUpFlows;
        try (SmallFlow small = SmallFlow.fromArgs(args, "compile")) {
            flows = small.flows;
            warmUpFlows = small.warmUpFlows();
            final Materializer materializer = Materializer.createMaterializer(system);
            for (int i = 0; i < warmUpFlows; i++) {
                run(compiler, materializer, small.spec, i, null, null, null); // warm-up
            }
            for (int i = 0; i < flows; i++) {
                run(compiler, materializer, small.spec, flows + i, compile, compileAndMaterialise, whole);
            }
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        System.out.printf(Locale.ROOT, SmallFlow.DESCRIPTION + ", fused), %d flows after %d warm-up, no node%n",
            flows, warmUpFlows);
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
        SmallFlow.requireSucceeded(result);
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
