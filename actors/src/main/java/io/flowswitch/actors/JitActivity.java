package io.flowswitch.actors;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * How busy the JIT compiler has been since a mark: its compile time over the wall time. Whatever compares the
 * flow path with the direct path by timing them needs it, for two reasons:
 * <ul>
 *   <li>A node keeps getting faster for its first minute or so of flows: the JIT compiles the signalling path,
 *       the lanes and the devices' loops as they get hot, and until it has, a flow's set-up costs up to twice
 *       what it costs warm. A warm-up is over when the JIT has gone quiet, not after a fixed count.</li>
 *   <li>While it compiles, the compiler thread takes a core. A flow whose lanes run on every core loses it; the
 *       direct path, on one thread, does not. Requests timed then make the flow look dearer than it is.</li>
 * </ul>
 *
 * <p>The JVM counts a compilation's time when the compilation ends, so a share over a short window is coarse: a
 * long compilation shows up whole in the window it ends in. Not thread-safe: one caller.
 */
public final class JitActivity {
    private final LongSupplier compiledMs;
    private long markCompiledMs;
    private long markNs;

    /** The JVM's own compiler; a JVM that does not time its compilations reads as always quiet. */
    public JitActivity() {
        this(jvmCompileTime());
    }

    /** @param compiledMs the JIT's total compile time so far, in milliseconds */
    public JitActivity(LongSupplier compiledMs) {
        this.compiledMs = compiledMs;
        mark();
    }

    /** Starts a new window. */
    public void mark() {
        markCompiledMs = compiledMs.getAsLong();
        markNs = System.nanoTime();
    }

    /** Wall time since the mark, in nanoseconds. */
    public long sinceMarkNs() {
        return System.nanoTime() - markNs;
    }

    /** The JIT's compile time since the mark over the wall time since it: 0 for none, 1 for a core's worth. */
    public double shareSinceMark() {
        final long wallNs = Math.max(1, sinceMarkNs());
        return (compiledMs.getAsLong() - markCompiledMs) * 1_000_000.0 / wallNs;
    }

    private static LongSupplier jvmCompileTime() {
        final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
            return () -> 0;
        }
        return compiler::getTotalCompilationTime;
    }
}
