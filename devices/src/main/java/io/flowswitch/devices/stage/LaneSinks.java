package io.flowswitch.devices.stage;

import io.flowswitch.devices.PositionalSink;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.internal.ArrayViews;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shares one {@link PositionalSink} between the lanes of a flow: each lane gets a {@link SinkDevice} of its
 * own that writes every chunk at the chunk's byte offset. The shared sink finishes once, when the last
 * lane finishes, unless a lane aborted first: then it is aborted once and later finishes do nothing.
 * Each lane's device is used by that lane's thread only.
 */
public final class LaneSinks {
    private final PositionalSink shared;
    private final AtomicInteger unfinished;
    private final AtomicInteger unclosed;
    private final AtomicBoolean aborted = new AtomicBoolean();
    private final List<SinkDevice> lanes = new ArrayList<>();

    public LaneSinks(PositionalSink shared, int laneCount) {
        this.shared = shared;
        this.unfinished = new AtomicInteger(laneCount);
        this.unclosed = new AtomicInteger(laneCount);
        for (int i = 0; i < laneCount; i++) {
            lanes.add(new Lane());
        }
    }

    /** The device lane {@code index} writes to. */
    public SinkDevice lane(int index) {
        return lanes.get(index);
    }

    public List<SinkDevice> lanes() {
        return List.copyOf(lanes);
    }

    private final class Lane implements SinkDevice {
        private final ArrayViews views = new ArrayViews();
        private boolean closed;

        @Override
        public void write(Chunk chunk) {
            final ByteBuffer view = views.view(chunk.array(), chunk.payloadOffset(), chunk.payloadEnd());
            shared.writeAt(view, chunk.header().byteOffset());
        }

        @Override
        public void finish() {
            if (unfinished.decrementAndGet() == 0 && !aborted.get()) {
                shared.finish();
            }
        }

        @Override
        public void abort(Throwable cause) {
            if (aborted.compareAndSet(false, true)) {
                shared.abort(cause);
            }
        }

        @Override
        public Map<String, String> results() {
            return shared.results();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                views.clear();
                if (unclosed.decrementAndGet() == 0) {
                    shared.close();
                }
            }
        }
    }
}
