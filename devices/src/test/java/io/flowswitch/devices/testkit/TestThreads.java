package io.flowswitch.devices.testkit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Threads of a test's own for the blocking work it runs beside the code under test: a socket's other end, a
 * reader draining a stream, a command line that serves until told to stop. Never the common pool: on two cores
 * JDK 25's common pool has a single worker, so two such tasks waiting on each other there never finish.
 *
 * <p>Register it as an instance {@code @RegisterExtension} field (it stops after each test) or close it
 * yourself: what still runs is interrupted, and closing fails if a task outlives {@link #STOP_TIMEOUT_SECONDS}
 * (a test that leaves a thread behind). Thread-safe.
 */
public final class TestThreads implements AfterEachCallback, AutoCloseable {
    public static final long STOP_TIMEOUT_SECONDS = 10;

    private final String name;
    private final ExecutorService threads;

    /** @param name what the threads are called, with a number each: {@code name-1}, ... */
    public TestThreads(String name) {
        this.name = name;
        final AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            final Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs {@code task} on a thread of its own; the future fails with what it threw. */
    public <T> CompletableFuture<T> supply(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, threads);
    }

    /** Runs {@code task} on a thread of its own; the future fails with what it threw. */
    public CompletableFuture<Void> run(Runnable task) {
        return CompletableFuture.runAsync(task, threads);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /** @throws IllegalStateException when a task still runs after the timeout, or the wait was interrupted */
    @Override
    public void close() {
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a task on the test's " + name + " threads still runs "
                    + STOP_TIMEOUT_SECONDS + " s after the test ended: it waits for something the test never gave it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the test's " + name + " threads stopped", e);
        }
    }
}
