package io.flowswitch.cli;

import io.flowswitch.javadsl.FlowHandle;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A one-line progress bar on stderr for a running flow: bytes read / total, percentage and rate, redrawn
 * in place with {@code \r} five times a second, and only once the flow has run for a second (short flows
 * show nothing). When the total is unknown (a socket source) it shows bytes and rate. Reads the flow's
 * counters from its own daemon thread; {@link #close()} stops it and erases the line.
 */
final class ProgressBar implements AutoCloseable {
    static final long FIRST_DRAW_MS = 1000;
    static final long REDRAW_MS = 200;
    private static final int BAR_WIDTH = 24;

    private final FlowHandle handle;
    private final PrintWriter err;
    private final ScheduledExecutorService timer;
    private final long startNs = System.nanoTime();
    private int drawnLength;

    private ProgressBar(FlowHandle handle, PrintWriter err) {
        this.handle = handle;
        this.err = err;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "flowswitch-progress");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts drawing {@code handle}'s progress on {@code err}, or returns {@code null} when not {@code enabled}. */
    static ProgressBar startIf(boolean enabled, FlowHandle handle, PrintWriter err) {
        if (!enabled) {
            return null;
        }
        final ProgressBar bar = new ProgressBar(handle, err);
        bar.timer.scheduleAtFixedRate(bar::draw, FIRST_DRAW_MS, REDRAW_MS, TimeUnit.MILLISECONDS);
        return bar;
    }

    /** Whether to draw by default: {@code --progress}/{@code --no-progress} if given, else only on a terminal. */
    static boolean wanted(Boolean option) {
        return option != null ? option : System.console() != null;
    }

    private synchronized void draw() {
        final long done = handle.bytesRead();
        final String line = render(done, handle.totalBytes(), Units.perSecond(done, System.nanoTime() - startNs));
        // Pad over what the last draw left when the new line is shorter.
        err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
        err.flush();
        drawnLength = line.length();
    }

    /**
     * {@code [#########...............]  38%  97.3 MiB / 256.0 MiB  1.21 GB/s}, or without a total
     * {@code 97.3 MiB  1.21 GB/s}.
     */
    static String render(long doneBytes, long totalBytes, double bytesPerSecond) {
        if (totalBytes <= 0) {
            return Units.bytes(doneBytes) + "  " + Units.rate(bytesPerSecond);
        }
        final long done = Math.min(Math.max(doneBytes, 0), totalBytes);
        final int filled = (int) (BAR_WIDTH * (double) done / totalBytes);
        final int percent = (int) (100 * (double) done / totalBytes);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] "
            + String.format(Locale.ROOT, "%3d%%", percent) + "  " + Units.bytes(done) + " / "
            + Units.bytes(totalBytes) + "  " + Units.rate(bytesPerSecond);
    }

    /** Stops drawing and erases the bar, so that what follows starts on a clean line. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (drawnLength > 0) {
                err.print("\r" + " ".repeat(drawnLength) + "\r");
                err.flush();
                drawnLength = 0;
            }
        }
    }
}
