package io.flowswitch.devices.stage;

import io.flowswitch.devices.chunk.Chunk;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.UniformFanInShape;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Merges the outputs of a replicated stage back into sequence order. Each input is in order (one replica
 * keeps the order it was given), so the next chunk is always at the head of some input: the merge holds
 * at most one chunk per input. Sequence numbers of the merged stream must run 0, 1, 2, ...; a gap that
 * can no longer be filled fails the stage, it is never skipped. Ownership of chunks passes through.
 */
public final class SequenceMerge extends GraphStage<UniformFanInShape<Chunk, Chunk>> {
    private final UniformFanInShape<Chunk, Chunk> shape;
    private final int inputs;

    public SequenceMerge(int inputs, String name) {
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be >= 1: " + inputs);
        }
        this.inputs = inputs;
        final java.util.List<Inlet<Chunk>> ins = new java.util.ArrayList<>(inputs);
        for (int i = 0; i < inputs; i++) {
            ins.add(Inlet.create(name + ".in" + i));
        }
        this.shape = UniformFanInShape.create(Outlet.create(name + ".out"), ins);
    }

    @Override
    public UniformFanInShape<Chunk, Chunk> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private final Chunk[] heads = new Chunk[inputs];
            private long next;

            {
                for (int i = 0; i < inputs; i++) {
                    final int index = i;
                    final Inlet<Chunk> in = shape.in(i);
                    setHandler(in, new AbstractInHandler() {
                        @Override
                        public void onPush() {
                            heads[index] = grab(in);
                            emit();
                        }

                        @Override
                        public void onUpstreamFinish() {
                            emit();
                        }
                    });
                }
                setHandler(shape.out(), new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        emit();
                    }
                });
            }

            @Override
            public void preStart() {
                for (int i = 0; i < inputs; i++) {
                    pull(shape.in(i));
                }
            }

            private void emit() {
                if (isAvailable(shape.out())) {
                    for (int i = 0; i < inputs; i++) {
                        final Chunk head = heads[i];
                        if (head != null && head.header().sequence() == next) {
                            heads[i] = null;
                            next++;
                            push(shape.out(), head);
                            if (!isClosed(shape.in(i))) {
                                pull(shape.in(i));
                            }
                            break;
                        }
                    }
                }
                checkEnd();
            }

            private void checkEnd() {
                boolean anyHead = false;
                for (int i = 0; i < inputs; i++) {
                    if (heads[i] == null && !isClosed(shape.in(i))) {
                        return; // an input may still bring the next chunk
                    }
                    anyHead |= heads[i] != null;
                }
                if (!anyHead) {
                    completeStage();
                    return;
                }
                for (int i = 0; i < inputs; i++) {
                    if (heads[i] != null && heads[i].header().sequence() == next) {
                        return; // waiting for downstream demand only
                    }
                }
                failStage(new IllegalStateException("sequence gap after replicas: expected chunk " + next
                    + " but no replica can deliver it"));
            }

            @Override
            public void postStop() {
                for (int i = 0; i < inputs; i++) {
                    if (heads[i] != null) {
                        heads[i].release();
                        heads[i] = null;
                    }
                }
            }
        };
    }
}
