package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The JIT's share of a window: its compile time since the mark over the wall time since the mark. */
class JitActivityTest {
    @Test
    void countsOnlyWhatTheJitCompiledSinceTheMark() {
        final AtomicLong compiledMs = new AtomicLong(5_000);
        final JitActivity jit = new JitActivity(compiledMs::get);
        assertEquals(0.0, jit.shareSinceMark(), "compile time before the mark is not counted");
        LockSupport.parkNanos(20_000_000);
        compiledMs.addAndGet(1_000_000);
        assertTrue(jit.shareSinceMark() > 1, "a million milliseconds of compiling over a few ms of wall time: "
            + jit.shareSinceMark());
        jit.mark();
        assertEquals(0.0, jit.shareSinceMark(), "a new mark starts a new window");
    }

    @Test
    void theShareIsCompileTimeOverWallTime() {
        final AtomicLong compiledMs = new AtomicLong();
        final JitActivity jit = new JitActivity(compiledMs::get);
        LockSupport.parkNanos(50_000_000);
        compiledMs.set(10);
        final double share = jit.shareSinceMark();
        final double expected = 10e6 / jit.sinceMarkNs();
        assertTrue(share > 0 && share <= 0.2 && Math.abs(share - expected) < 0.01,
            "10 ms of compiling in at least 50 ms of wall time: " + share);
    }

    @Test
    void theJvmsOwnCompilerIsReadWithoutFailing() {
        final JitActivity jit = new JitActivity();
        assertTrue(jit.shareSinceMark() >= 0);
    }
}
