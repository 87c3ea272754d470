package io.flowswitch.devices.stage;

import io.flowswitch.devices.chunk.Chunk;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FanOutShape;
import org.apache.pekko.stream.UniformFanOutShape;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Balances chunks over the replicas of a stage, of which only the first {@code active} take new chunks: the
 * others are parked. The count may change at any time from any thread ({@link #activeReplicas}); it is read
 * each time a chunk is handed out, so a re-planned flow changes its replicas between two chunks. A parked
 * replica still finishes what it was given, and every chunk goes to exactly one replica, so the
 * {@link SequenceMerge} behind it loses, duplicates and reorders nothing. At least one replica is always
 * active. Ownership of chunks passes through; a chunk held when the stage stops is released.
 */
public final class ReplicaBalance extends GraphStage<UniformFanOutShape<Chunk, Chunk>> {
    private final UniformFanOutShape<Chunk, Chunk> shape;
    private final int replicas;
    private final AtomicInteger active;

    /**
     * @param active how many replicas take chunks, shared with whoever re-plans the flow; clamped to
     *     {@code [1, replicas]} when read
     */
    public ReplicaBalance(int replicas, AtomicInteger active, String name) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be >= 1: " + replicas);
        }
        this.replicas = replicas;
        this.active = active;
        this.shape = new UniformFanOutShape<>(replicas, new FanOutShape.Name<>(name));
    }

    @Override
    public UniformFanOutShape<Chunk, Chunk> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private Chunk held;
            private int nextOut;

            {
                setHandler(shape.in(), new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        held = grab(shape.in());
                        dispatch();
                    }

                    @Override
                    public void onUpstreamFinish() {
                        if (held == null) {
                            completeStage();
                        }
                    }
                });
                for (int i = 0; i < replicas; i++) {
                    setHandler(shape.out(i), new AbstractOutHandler() {
                        @Override
                        public void onPull() {
                            dispatch();
                        }
                    });
                }
            }

            /** Hands the held chunk to an active replica that wants one, round robin; then asks for the next. */
            private void dispatch() {
                final int count = Math.max(1, Math.min(replicas, active.get()));
                if (held != null) {
                    for (int k = 0; k < count; k++) {
                        final int i = (nextOut + k) % count;
                        if (isAvailable(shape.out(i))) {
                            final Chunk chunk = held;
                            held = null;
                            nextOut = i + 1;
                            push(shape.out(i), chunk);
                            break;
                        }
                    }
                }
                if (held == null) {
                    if (isClosed(shape.in())) {
                        completeStage();
                    } else if (!hasBeenPulled(shape.in())) {
                        pull(shape.in());
                    }
                }
            }

            @Override
            public void postStop() {
                if (held != null) {
                    held.release();
                    held = null;
                }
            }
        };
    }
}
