package io.flowswitch.devices.link;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import java.util.Map;

/**
 * A {@code pipe-source} instance: takes the chunks an application handed to its {@link AppPipe} and lends
 * them to the flow as they are. Blocks while the application writes nothing, so its stage runs on the
 * blocking-I/O dispatcher. Ends the pipe when the flow ends before the application closed it.
 */
public final class PipeSource implements SourceDevice {
    private final String stage;
    private final AppPipe pipe;
    private Chunk lent;
    private long bytes;
    private boolean ended;

    PipeSource(String stage, AppPipe pipe) {
        this.stage = stage;
        this.pipe = pipe;
    }

    /**
     * Waits for the application's next chunk and lends it ({@link #lentChunk()}); {@code chunk}, the pool's,
     * stays unused.
     *
     * @return its payload length, or -1 once the application closed the pipe
     */
    @Override
    public int read(Chunk chunk) {
        if (ended) {
            return -1;
        }
        final Chunk next;
        try {
            next = pipe.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException("CANCELLED", stage + ": interrupted while waiting for the application", e);
        }
        if (next == null) {
            ended = true;
            return -1;
        }
        lent = next;
        bytes += next.payloadLength();
        return next.payloadLength();
    }

    @Override
    public Chunk lentChunk() {
        final Chunk out = lent;
        lent = null;
        return out;
    }

    /** The application fills the chunks; the flow runs this source on its neighbour's thread. */
    @Override
    public boolean handsOverOnly() {
        return true;
    }

    /** {@code bytes}: bytes the application handed over. */
    @Override
    public Map<String, String> results() {
        return Map.of("bytes", Long.toString(bytes));
    }

    @Override
    public void close() {
        if (lent != null) {
            lent.release();
            lent = null;
        }
        if (!ended) {
            pipe.abort("the flow ended before the application closed the pipe");
        }
    }
}
