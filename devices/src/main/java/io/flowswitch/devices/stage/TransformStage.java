package io.flowswitch.devices.stage;

import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Drives a {@link TransformDevice} by demand: input is pulled only when the device needs it, output is
 * asked for one chunk per downstream pull. Input chunks pass to the device; output chunks pass
 * downstream. When the device finds the flow's pool empty, the stage waits for a release. The stage
 * closes the device when it stops, which releases any chunk the device still holds.
 */
public final class TransformStage extends ChunkFlowStage {
    private final TransformDevice device;
    private final ChunkPool pool;

    public TransformStage(TransformDevice device, ChunkPool pool, StageCounters counters) {
        super(counters);
        this.device = device;
        this.pool = pool;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape()) {
            private Runnable poolWakeUp;
            private boolean ended;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        final Chunk chunk = grab(in);
                        counters.countIn(chunk.payloadLength());
                        final long startNs = System.nanoTime();
                        try {
                            device.accept(chunk);
                        } catch (RuntimeException e) {
                            // A device error is the flow's result, not a crash: fail quietly, the result says it.
                            failStage(e);
                            return;
                        }
                        counters.addBusyNs(System.nanoTime() - startNs);
                        produce();
                    }

                    @Override
                    public void onUpstreamFinish() {
                        ended = true;
                        try {
                            device.endOfInput();
                        } catch (RuntimeException e) {
                            failStage(e);
                            return;
                        }
                        produce();
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        produce();
                    }
                });
            }

            @Override
            public void preStart() {
                final AsyncCallback<Boolean> retry = createAsyncCallback(ignored -> produce());
                poolWakeUp = () -> retry.invoke(Boolean.TRUE);
            }

            private void produce() {
                while (isAvailable(out)) {
                    final long startNs = System.nanoTime();
                    final Chunk chunk;
                    try {
                        chunk = device.poll(pool);
                    } catch (RuntimeException e) {
                        failStage(e);
                        return;
                    }
                    counters.addBusyNs(System.nanoTime() - startNs);
                    if (chunk != null) {
                        counters.countOut(chunk.payloadLength());
                        push(out, chunk);
                        return;
                    }
                    if (device.isFinished()) {
                        completeStage();
                        return;
                    }
                    if (device.needsInput()) {
                        if (!ended && !hasBeenPulled(in)) {
                            pull(in);
                        }
                        return;
                    }
                    // Neither output nor room for input: the device is waiting for a chunk from the pool.
                    if (!pool.awaitRelease(poolWakeUp)) {
                        return;
                    }
                }
            }

            @Override
            public void postStop() {
                device.close();
            }
        };
    }
}
