package io.flowswitch.devices.internal;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Reusable {@link ByteBuffer} views over chunk arrays, for devices that hand chunk payloads to NIO
 * channels ({@code FileChannel}, {@code SocketChannel}), which only take {@code ByteBuffer}s.
 *
 * <p>Why a cache: a chunk pool allocates its chunks once, so a flow only ever sees a fixed set of
 * backing arrays. Keeping one view per distinct array (by identity) means a device allocates a view the
 * first time it sees an array and never again, where {@code ByteBuffer.wrap} per chunk would allocate
 * on every chunk. The cache is bounded: a device fed from more arrays than {@code maxArrays} (unpooled
 * chunks from tools or tests) starts over, so memory stays bounded and only the no-allocation promise
 * is lost, never correctness.
 *
 * <p>Ownership: the views alias the chunk arrays and own nothing; a view must not be used after its
 * chunk was passed on. {@link #clear()} drops every reference so a closed device does not pin a
 * pool's arrays. Not thread-safe: one per device, used by the device's stage thread.
 */
public final class ArrayViews {
    /** Enough for the pools a flow uses (a few dozen chunks per port); more only costs allocations. */
    public static final int DEFAULT_MAX_ARRAYS = 256;

    private final int maxArrays;
    private final Map<byte[], ByteBuffer> views;

    public ArrayViews() {
        this(DEFAULT_MAX_ARRAYS);
    }

    public ArrayViews(int maxArrays) {
        if (maxArrays <= 0) {
            throw new IllegalArgumentException("maxArrays must be positive: " + maxArrays);
        }
        this.maxArrays = maxArrays;
        this.views = new IdentityHashMap<>(maxArrays * 2);
    }

    /**
     * A view over {@code array} with position {@code from} and limit {@code to}; the caller owns the
     * view's position and limit until its next call.
     */
    public ByteBuffer view(byte[] array, int from, int to) {
        ByteBuffer view = views.get(array);
        if (view == null) {
            if (views.size() >= maxArrays) {
                views.clear();
            }
            view = ByteBuffer.wrap(array);
            views.put(array, view);
        }
        // limit before position: setting a position beyond the old limit would throw.
        view.limit(to).position(from);
        return view;
    }

    /** Number of arrays that currently have a view. */
    public int size() {
        return views.size();
    }

    /** Forgets every view. */
    public void clear() {
        views.clear();
    }
}
