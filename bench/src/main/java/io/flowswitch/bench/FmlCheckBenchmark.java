package io.flowswitch.bench;

import io.flowswitch.fml.Fml;
import io.flowswitch.fml.FmlOptions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code flowswitch check} of a 200-line program, warm: lexer, parser, resolver, both verifier passes and
 * the planner, without the environment checks (which stat files). The bar is under 50 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class FmlCheckBenchmark {
    /** Stages in the generated program; with their ladders the program has about 200 lines. */
    private static final int STAGES = 32;

    private String program;
    private FmlOptions options;

    @Setup
    public void setUp() {
        program = program();
        options = FmlOptions.defaults().withEnvironmentChecks(false);
        final Fml.Result result = Fml.check("big.fml", program, options);
        if (!result.ok()) {
            throw new IllegalStateException("the benchmark program does not check:\n" + result.render());
        }
    }

    @Benchmark
    public Fml.Result check200Lines() {
        return Fml.check("big.fml", program, options);
    }

    /** A valid program of about 200 lines: many stages, each with a ladder, comments between. */
    static String program() {
        final StringBuilder text = new StringBuilder()
            .append("# A long chain of modelled accelerators, each with its own ladder.\n")
            .append("flow long-chain {\n")
            .append("  chunk 64KiB\n")
            .append("  transport fused\n")
            .append("  source file-source(path = \"in.bin\")\n");
        for (int i = 0; i < STAGES; i++) {
            text.append("  via rate-limit(rate-bytes-per-second = ").append(100 + i).append("MiB/s) as accel-")
                .append(i).append('\n');
        }
        text.append("  sink file-sink(path = \"out.bin\")\n")
            .append("  policy { rate 50MiB/s priority 1 }\n");
        for (int i = 0; i < STAGES; i++) {
            text.append("  # accelerator ").append(i).append('\n')
                .append("  on stage accel-").append(i).append(" {\n")
                .append("    retry 3 backoff 10ms\n")
                .append("    fallback software\n")
                .append("  }\n");
        }
        return text.append("}\n").toString();
    }
}
