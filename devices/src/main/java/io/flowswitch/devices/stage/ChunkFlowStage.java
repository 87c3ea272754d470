package io.flowswitch.devices.stage;

import io.flowswitch.devices.chunk.Chunk;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.GraphStage;

/**
 * What every stage that drives a transform device has in common: one inlet and one outlet of chunks,
 * named after the stage ({@code 2:gzip.in}), and the stage's counters. Subclasses give the logic: a plain
 * {@link TransformStage}, or a stage that climbs an exception ladder when its device fails. Chunks pass
 * with their ownership, as each subclass documents.
 */
public abstract class ChunkFlowStage extends GraphStage<FlowShape<Chunk, Chunk>> {
    protected final Inlet<Chunk> in;
    protected final Outlet<Chunk> out;
    protected final StageCounters counters;
    private final FlowShape<Chunk, Chunk> shape;

    protected ChunkFlowStage(StageCounters counters) {
        this.counters = counters;
        this.in = Inlet.create(counters.stage() + ".in");
        this.out = Outlet.create(counters.stage() + ".out");
        this.shape = FlowShape.of(in, out);
    }

    @Override
    public final FlowShape<Chunk, Chunk> shape() {
        return shape;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + counters.stage() + ")";
    }
}
