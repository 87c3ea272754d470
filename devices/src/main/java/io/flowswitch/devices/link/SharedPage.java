package io.flowswitch.devices.link;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A page of memory an application fills and hands to a flow without a copy ({@link AppPipe#send}), and gets
 * back when the flow is done with it. Ownership is enforced: while the page is lent, every accessor throws
 * {@link PageLentException}, and the bytes are never reachable any other way (the page exposes no array or
 * buffer that could be kept).
 *
 * <p>The page is a chunk with a home pool of one: lending takes the chunk out of the page; the flow's last
 * stage releases it, which puts it back home, and the page owns it again. What a returned page holds is not
 * defined: a cipher stage may have encrypted it in place.
 *
 * <p>Not thread-safe: one application thread uses a page; the flow's threads only ever see its chunk.
 */
public final class SharedPage {
    private final ChunkPool home;
    private Chunk held;

    /** A page of {@code capacityBytes} (a flow's chunk size at most). */
    public SharedPage(int capacityBytes) {
        this.home = new ChunkPool(capacityBytes, 1);
        this.held = home.acquire();
    }

    public int capacity() {
        return home.payloadCapacity();
    }

    /** Whether the application owns the page now (it is not lent, or has come back). */
    public boolean owned() {
        if (held == null) {
            held = home.acquire();
        }
        return held != null;
    }

    /**
     * Blocks until the flow gives the page back.
     *
     * @return false when it did not come back within the timeout
     */
    public boolean awaitReturn(long timeout, TimeUnit unit) {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        final Thread waiter = Thread.currentThread();
        while (!owned()) {
            final long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (!home.awaitRelease(() -> LockSupport.unpark(waiter))) {
                LockSupport.parkNanos(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
            }
        }
        return true;
    }

    /** Copies {@code length} bytes of {@code source} into the page at {@code offset}. */
    public SharedPage put(int offset, byte[] source, int sourceOffset, int length) {
        checkRange(offset, length);
        System.arraycopy(source, sourceOffset, requireOwned("put").array(), Chunk.HEADROOM + offset, length);
        return this;
    }

    /** Copies the page's bytes {@code [offset, offset + length)} into {@code target}. */
    public void get(int offset, byte[] target, int targetOffset, int length) {
        checkRange(offset, length);
        System.arraycopy(requireOwned("get").array(), Chunk.HEADROOM + offset, target, targetOffset, length);
    }

    public byte get(int offset) {
        checkRange(offset, 1);
        return requireOwned("get").array()[Chunk.HEADROOM + offset];
    }

    /**
     * Reads up to {@code length} bytes of {@code file} from {@code position} straight into the page at 0: a
     * file region handed over without passing through the application's own buffers.
     *
     * @return bytes read (fewer at the end of the file)
     */
    public int readFrom(FileChannel file, long position, int length) throws IOException {
        checkRange(0, length);
        final ByteBuffer view = ByteBuffer.wrap(requireOwned("readFrom").array(), Chunk.HEADROOM, length);
        int read = 0;
        while (view.hasRemaining()) {
            final int n = file.read(view, position + read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return read;
    }

    /** Takes the chunk out of the page for a flow, with {@code length} payload bytes. Package-private: pipes lend. */
    Chunk lend(int length) {
        checkRange(0, length);
        final Chunk chunk = requireOwned("send");
        held = null;
        chunk.payload(Chunk.HEADROOM, length);
        return chunk;
    }

    private Chunk requireOwned(String call) {
        if (!owned()) {
            throw new PageLentException("cannot " + call + " a shared page while a flow holds it: wait for it"
                + " (awaitReturn) or use another page");
        }
        return held;
    }

    private void checkRange(int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > capacity()) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") of a "
                + capacity() + "-byte page");
        }
    }

    /** An application touched a page a flow holds. */
    public static final class PageLentException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PageLentException(String message) {
            super(message);
        }
    }
}
