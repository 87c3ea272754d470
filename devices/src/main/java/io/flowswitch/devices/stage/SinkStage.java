package io.flowswitch.devices.stage;

import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.AbruptStageTerminationException;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.GraphStageWithMaterializedValue;
import scala.Tuple2;

/**
 * Hands every chunk to a {@link SinkDevice} and releases it. Materializes a completion that succeeds
 * after the device finished (output published) and fails, after the device aborted (partial output
 * removed), when anything upstream or the device failed. The device may block: run this stage on a
 * blocking dispatcher.
 */
public final class SinkStage extends GraphStageWithMaterializedValue<SinkShape<Chunk>, CompletionStage<Done>> {
    private final Inlet<Chunk> in;
    private final SinkShape<Chunk> shape;
    private final SinkDevice device;
    private final StageCounters counters;

    public SinkStage(SinkDevice device, StageCounters counters) {
        this.device = device;
        this.counters = counters;
        this.in = Inlet.create(counters.stage() + ".in");
        this.shape = SinkShape.of(in);
    }

    @Override
    public SinkShape<Chunk> shape() {
        return shape;
    }

    @Override
    public Tuple2<GraphStageLogic, CompletionStage<Done>> createLogicAndMaterializedValue(Attributes attributes) {
        final CompletableFuture<Done> done = new CompletableFuture<>();
        final GraphStageLogic logic = new GraphStageLogic(shape) {
            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        final Chunk chunk = grab(in);
                        // Read while this stage owns the chunk: once released, another stage's thread may take
                        // it from the pool (the pool hands the last released chunk out first) and reset it.
                        final int payloadLength = chunk.payloadLength();
                        final long startNs = System.nanoTime();
                        try {
                            device.write(chunk);
                        } catch (RuntimeException e) {
                            abort(e);
                            return;
                        } finally {
                            chunk.release();
                        }
                        counters.addBusyNs(System.nanoTime() - startNs);
                        counters.countIn(payloadLength);
                        pull(in);
                    }

                    @Override
                    public void onUpstreamFinish() {
                        try {
                            device.finish();
                        } catch (RuntimeException e) {
                            abort(e);
                            return;
                        }
                        done.complete(Done.getInstance());
                        completeStage();
                    }

                    @Override
                    public void onUpstreamFailure(Throwable cause) {
                        abort(cause);
                    }
                });
            }

            private void abort(Throwable cause) {
                device.abort(cause);
                done.completeExceptionally(cause);
                failStage(cause);
            }

            @Override
            public void preStart() {
                pull(in);
            }

            @Override
            public void postStop() {
                if (!done.isDone()) {
                    final Throwable cause = new AbruptStageTerminationException(this);
                    device.abort(cause);
                    done.completeExceptionally(cause);
                }
                device.close();
            }
        };
        return Tuple2.apply(logic, done);
    }

    @Override
    public String toString() {
        return "SinkStage(" + counters.stage() + ")";
    }
}
