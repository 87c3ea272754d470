package io.flowswitch.devices.stage;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.port.DataPort;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * The reading end of a {@link DataPort}: the first stage of an island. Takes a chunk from the port only
 * when downstream pulls, and returns credit to the writer by doing so. Completes when the writer
 * finished and the port is drained; fails with the writer's failure, or when the port was closed under it.
 * Ownership of each chunk passes downstream. Cancelling downstream cancels the port, which tells the writer.
 */
public final class PortReaderStage extends GraphStage<SourceShape<Chunk>> {
    private final Outlet<Chunk> out;
    private final SourceShape<Chunk> shape;
    private final DataPort port;
    private final ChunkPool pool;

    public PortReaderStage(DataPort port, ChunkPool pool, String name) {
        this.port = port;
        this.pool = pool;
        this.out = Outlet.create(name + ".out");
        this.shape = SourceShape.of(out);
    }

    @Override
    public SourceShape<Chunk> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new GraphStageLogic(shape) {
            private Runnable dataWakeUp;

            {
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        read();
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        port.cancel();
                        completeStage();
                    }
                });
            }

            @Override
            public void preStart() {
                final AsyncCallback<Boolean> retry = createAsyncCallback(ignored -> {
                    if (isAvailable(out)) {
                        read();
                    }
                });
                dataWakeUp = () -> retry.invoke(Boolean.TRUE);
            }

            private void read() {
                while (true) {
                    if (port.isClosed() && !port.isDrained()) {
                        // Closed under this stage (the flow ended before its island got going): what was
                        // offered and not taken went back to the pool with the port, so "more offered than
                        // taken" no longer means a chunk is coming; waiting would spin here and never see the
                        // cancellation, and a poll would only take a pool chunk nobody releases.
                        final Throwable failure = port.failure();
                        failStage(failure != null ? failure : new IllegalStateException(port.description()
                            + " was closed before its reader took every chunk: the flow had already ended"));
                        return;
                    }
                    final Chunk chunk = port.poll(pool);
                    if (chunk != null) {
                        push(out, chunk);
                        return;
                    }
                    final Throwable failure = port.failure();
                    if (failure != null) {
                        failStage(failure);
                        return;
                    }
                    if (port.isDrained()) {
                        completeStage();
                        return;
                    }
                    if (!port.awaitData(dataWakeUp, pool)) {
                        return;
                    }
                }
            }
        };
    }
}
