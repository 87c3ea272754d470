package io.flowswitch.devices.port;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * A one-shot wake-up between two threads, without a lost wake-up and without spinning.
 *
 * <p>The waiter arms it with a wake-up action and re-checks its condition; the other side rings it
 * after making the condition true. The wake-up runs at most once per arming, on the ringing thread,
 * so it must only hand the work over (e.g. invoke a Pekko Streams async callback).
 */
final class Doorbell {
    private final AtomicReference<Runnable> armed = new AtomicReference<>();

    /**
     * Arms the bell unless {@code ready} is already true.
     *
     * @return {@code true} if the condition holds now (nothing is armed then)
     */
    boolean arm(Runnable wakeUp, BooleanSupplier ready) {
        if (ready.getAsBoolean()) {
            return true;
        }
        armed.set(wakeUp);
        // Re-check after arming: a ring between the first check and set() would otherwise be lost.
        if (ready.getAsBoolean() && armed.compareAndSet(wakeUp, null)) {
            return true;
        }
        return false;
    }

    /** Wakes the waiter if one is armed. */
    void ring() {
        if (armed.get() != null) {
            final Runnable wakeUp = armed.getAndSet(null);
            if (wakeUp != null) {
                wakeUp.run();
            }
        }
    }

    /** Drops an armed wake-up, e.g. when the waiter stops. */
    void disarm() {
        armed.set(null);
    }
}
