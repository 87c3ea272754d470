package io.flowswitch.devices.stage;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.port.DataPort;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.AbruptStageTerminationException;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.GraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import scala.Tuple2;

/**
 * The writing end of a {@link DataPort}: the last stage of an island. Pulls upstream only while it holds
 * credit, so Pekko Streams demand and the port's credit together bound what is in flight. Ownership of
 * each chunk passes to the port on acceptance. Upstream completion and failure are forwarded through the
 * port to its reader.
 */
public final class PortWriterStage extends GraphStageWithMaterializedValue<SinkShape<Chunk>, CompletionStage<Done>> {
    private static final Duration BACK_PRESSURE_RETRY = Duration.ofMillis(1);

    private final Inlet<Chunk> in;
    private final SinkShape<Chunk> shape;
    private final DataPort port;

    public PortWriterStage(DataPort port, String name) {
        this.port = port;
        this.in = Inlet.create(name + ".in");
        this.shape = SinkShape.of(in);
    }

    @Override
    public SinkShape<Chunk> shape() {
        return shape;
    }

    @Override
    public Tuple2<GraphStageLogic, CompletionStage<Done>> createLogicAndMaterializedValue(Attributes attributes) {
        final CompletableFuture<Done> done = new CompletableFuture<>();
        final GraphStageLogic logic = new TimerGraphStageLogic(shape) {
            private Chunk pending;
            private boolean upstreamFinished;
            private Runnable creditWakeUp;

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        pending = grab(in);
                        flush();
                    }

                    @Override
                    public void onUpstreamFinish() {
                        upstreamFinished = true;
                        if (pending == null) {
                            finish();
                        } else {
                            // Its only port is closed: without this Pekko would stop the stage before
                            // the last chunk has credit.
                            setKeepGoing(true);
                        }
                    }

                    @Override
                    public void onUpstreamFailure(Throwable cause) {
                        port.fail(cause);
                        done.completeExceptionally(cause);
                        failStage(cause);
                    }
                });
            }

            @Override
            public void preStart() {
                final AsyncCallback<Boolean> retry = createAsyncCallback(ignored -> flush());
                creditWakeUp = () -> retry.invoke(Boolean.TRUE);
                requestMore();
            }

            @Override
            public void onTimer(Object key) {
                flush();
            }

            private void flush() {
                try {
                    tryFlush();
                } catch (RuntimeException e) {
                    // Fail with the cause itself; postStop alone would only see an abrupt stop.
                    port.fail(e);
                    done.completeExceptionally(e);
                    failStage(e);
                }
            }

            private void tryFlush() {
                if (pending == null) {
                    return;
                }
                if (!port.awaitCredit(creditWakeUp)) {
                    return;
                }
                final int result = port.offer(pending);
                switch (result) {
                    case DataPort.OK:
                        pending = null;
                        if (upstreamFinished) {
                            finish();
                        } else {
                            requestMore();
                        }
                        break;
                    case DataPort.BACK_PRESSURED:
                    case DataPort.NO_CREDIT:
                        scheduleOnce("retry", BACK_PRESSURE_RETRY);
                        break;
                    default:
                        // The reader is gone: nothing downstream wants the rest.
                        pending.release();
                        pending = null;
                        done.complete(Done.getInstance());
                        completeStage();
                        break;
                }
            }

            private void requestMore() {
                if (!hasBeenPulled(in) && !isClosed(in)) {
                    pull(in);
                }
            }

            private void finish() {
                port.finish();
                done.complete(Done.getInstance());
                completeStage();
            }

            @Override
            public void postStop() {
                if (pending != null) {
                    pending.release();
                    pending = null;
                }
                if (!done.isDone()) {
                    final Throwable cause = new AbruptStageTerminationException(this);
                    port.fail(cause);
                    done.completeExceptionally(cause);
                }
            }
        };
        return Tuple2.apply(logic, done);
    }
}
