package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The JIT is quiet after so many quiet windows in a row; a busy window starts the count again. */
class JitQuietTest {
    private static final long WINDOW_NS = 5_000_000;
    private final AtomicLong compiledMs = new AtomicLong();

    /** Lets a window pass, with {@code ms} of compiling in it. */
    private void window(long ms) {
        LockSupport.parkNanos(WINDOW_NS + 1_000_000);
        compiledMs.addAndGet(ms);
    }

    @Test
    void twoQuietWindowsInARowMakeItQuietAndABusyOneStartsAgain() {
        final JitQuiet quiet = new JitQuiet(new JitActivity(compiledMs::get), WINDOW_NS, 0.02, 2);
        assertFalse(quiet.observe(), "no window has closed yet");
        window(0);
        assertFalse(quiet.observe(), "one quiet window");
        window(1000);
        assertFalse(quiet.observe(), "a busy window starts the count again");
        window(0);
        assertFalse(quiet.observe());
        window(0);
        assertTrue(quiet.observe());
        window(1000);
        assertTrue(quiet.observe(), "once quiet, it stays so");
        assertEquals(4, quiet.shares().size(), quiet.shares()::toString);
        assertTrue(quiet.shares().get(1) > 1 && quiet.shares().get(3) == 0.0, quiet.shares()::toString);
    }

    @Test
    void callsWithinAWindowDoNotCloseIt() {
        final JitQuiet quiet = new JitQuiet(new JitActivity(compiledMs::get), 10_000_000_000L, 0.02, 1);
        for (int i = 0; i < 100; i++) {
            assertFalse(quiet.observe());
        }
        assertTrue(quiet.shares().isEmpty());
    }

    @Test
    void nonsenseIsRefused() {
        final JitActivity jit = new JitActivity(compiledMs::get);
        assertThrows(IllegalArgumentException.class, () -> new JitQuiet(jit, 0, 0.02, 2));
        assertThrows(IllegalArgumentException.class, () -> new JitQuiet(jit, WINDOW_NS, -0.1, 2));
        assertThrows(IllegalArgumentException.class, () -> new JitQuiet(jit, WINDOW_NS, 0.02, 0));
    }
}
