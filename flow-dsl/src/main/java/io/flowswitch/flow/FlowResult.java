package io.flowswitch.flow;

import io.flowswitch.devices.stage.StageCounters;
import io.flowswitch.flow.ladder.Receipt;
import java.util.List;
import java.util.Map;

/**
 * What a finished flow did: bytes and chunks moved, elapsed time, per-stage counters and results
 * (e.g. a digest tap's {@code sha256}), and its path receipt.
 *
 * @param error   {@code null} when the flow succeeded; otherwise what failed, where and why
 * @param receipt which path produced each stage's output, and every exception-ladder step taken
 */
public record FlowResult(
    long flowId,
    String name,
    long bytesIn,
    long bytesOut,
    long chunks,
    long elapsedNs,
    List<StageReport> stages,
    Throwable error,
    Receipt receipt) {

    /** A result with an empty receipt: for a flow that never ran. */
    public FlowResult(long flowId, String name, long bytesIn, long bytesOut, long chunks, long elapsedNs,
        List<StageReport> stages, Throwable error) {
        this(flowId, name, bytesIn, bytesOut, chunks, elapsedNs, stages, error, Receipt.empty(flowId));
    }

    /** One stage's counters and the results its device reported. */
    public record StageReport(StageCounters counters, Map<String, String> results, long creditRejections) {
    }

    public boolean succeeded() {
        return error == null;
    }

    /** Bytes out per second of elapsed time. */
    public double throughputBytesPerSecond() {
        return elapsedNs == 0 ? 0 : bytesOut * 1e9 / elapsedNs;
    }

    /** The first result of the given name any stage reported, e.g. {@code result("sha256")}. */
    public String result(String key) {
        for (StageReport stage : stages) {
            final String value = stage.results().get(key);
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
