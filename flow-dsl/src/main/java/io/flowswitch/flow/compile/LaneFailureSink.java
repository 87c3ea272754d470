package io.flowswitch.flow.compile;

import io.flowswitch.devices.ForwardingSink;
import io.flowswitch.devices.SinkDevice;
import java.util.function.Consumer;

/**
 * A lane's share of the flow's one sink that makes the failure it is aborted with the flow's failure before
 * the shared sink closes: once it is closed, the other lanes' writes fail too ("no longer open"), and that
 * must not be what the flow reports in place of the failure that stopped the first lane. One thread at a
 * time, as the lane's sink.
 */
final class LaneFailureSink extends ForwardingSink {
    private final Consumer<Throwable> failed;

    /** @param failed told of the failure first, on the lane's thread */
    LaneFailureSink(SinkDevice lane, Consumer<Throwable> failed) {
        super(lane);
        this.failed = failed;
    }

    @Override
    public void abort(Throwable cause) {
        failed.accept(cause);
        super.abort(cause);
    }
}
