package io.flowswitch.devices.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Supplier;

/**
 * Instances that are costly to make and safe to reuse once reset (a {@link java.security.MessageDigest}), kept
 * between the devices that use them one after another: a device takes one when it is made and gives it back
 * when it is done with it, so a warm node makes none per flow or per small request.
 *
 * <p>Ownership: {@link #take} hands the instance to the caller, which must give it back ({@link #give}) only
 * from the thread that used it last, after its last use, and only once; an instance never given back is left
 * to the collector (a device aborted from another thread keeps its own). At most {@code capacity} are kept;
 * more are dropped. Thread-safe.
 */
public final class KeptInstances<T> {
    private final ArrayBlockingQueue<T> kept;
    private final Supplier<T> factory;

    /** @param factory makes a new instance when none is kept; may throw as the instance's maker does */
    public KeptInstances(int capacity, Supplier<T> factory) {
        this.kept = new ArrayBlockingQueue<>(capacity);
        this.factory = factory;
    }

    /** A kept instance, reset by whoever gave it back, or a new one. */
    public T take() {
        final T instance = kept.poll();
        return instance != null ? instance : factory.get();
    }

    /** Keeps {@code instance} (reset, no longer used by the caller) for the next {@link #take}, if there is room. */
    public void give(T instance) {
        kept.offer(instance);
    }
}
