package io.flowswitch.devices.tcp;

import io.flowswitch.devices.testkit.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Loopback helpers for the TCP device tests. */
final class TcpTestSupport {
    static final String LOOPBACK = "127.0.0.1";

    private TcpTestSupport() {
    }

    /** A loopback port that was free a moment ago and has nothing listening on it now. */
    static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plain Java thread standing in for the remote end; {@link #join()} returns its result or rethrows. */
    static final class Peer<T> implements AutoCloseable {
        private final FutureTask<T> task;
        private final Thread thread;

        Peer(String name, Callable<T> body) {
            this.task = new FutureTask<>(body);
            this.thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.start();
        }

        T join() throws Exception {
            try {
                return task.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            } catch (TimeoutException e) {
                throw new AssertionError("peer thread " + thread.getName() + " did not finish in 60 s", e);
            }
        }

        /** Waits until the peer's thread is inside a method whose name contains {@code method} (e.g. blocked). */
        void awaitInside(String method) throws Exception {
            Eventually.assertWithin(Duration.ofSeconds(10), "peer thread " + thread.getName() + " reaches " + method,
                () -> java.util.Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getMethodName().contains(method)));
        }

        /** Interrupts a peer that is still running and waits for its thread to end. */
        @Override
        public void close() {
            if (!task.isDone()) {
                thread.interrupt();
            }
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
