package io.flowswitch.javadsl;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.stage.StageCounters;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.flow.compile.DirectLoop;
import io.flowswitch.flow.compile.FlowCompiler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The direct software path of a small request: the flow's devices, one instance per stage, driven in a
 * plain loop on the calling thread (read a chunk, pass it through each transform, write it), with no
 * actors, no streams, no ports and no lease: what an application would do itself with read, transform and
 * write. Produces the same bytes as the flow would, and the same {@link FlowResult} (stage counters and
 * device results), with replicas ignored.
 *
 * <p>Chunks come from a pool per chunk size, allocated on first use and reused by every later request, so
 * a warm direct path allocates no buffers. Not thread-safe: one instance per thread.
 */
final class DirectPath {
    /** Chunks a request can hold at once: one per transform and the sink's, with slack for expanders. */
    private static final int EXTRA_CHUNKS = 4;

    private final FlowCompiler checker;
    private final Map<Long, ChunkPool> pools = new HashMap<>();

    DirectPath(DeviceCatalog catalog) {
        this.checker = new FlowCompiler(catalog, null);
    }

    /** Runs {@code spec} now, on this thread; errors come back in the result, as a flow's do. */
    FlowResult run(long flowId, FlowSpec spec) {
        final long startNs = System.nanoTime();
        final FlowSpec fused = spec.transport() == Transport.FUSED ? spec : new FlowSpec(spec.name(), spec.stages(),
            spec.chunkBytes(), Transport.FUSED, spec.portCapacityChunks(), spec.keys(), spec.policy(), spec.principal(),
            spec.events());
        final List<String> problems = checker.check(fused);
        if (!problems.isEmpty()) {
            return result(flowId, spec, List.of(), List.of(), startNs,
                new FlowException("INVALID_FLOW", String.join("; ", problems)));
        }
        final List<StageSpec> stages = spec.stages();
        final List<StageCounters> counters = new ArrayList<>(stages.size());
        for (int i = 0; i < stages.size(); i++) {
            counters.add(new StageCounters(stageName(i, stages.get(i))));
        }
        final List<Device> devices = new ArrayList<>(stages.size());
        final FlowContext context = new FlowContext(flowId, spec.chunkBytes(), spec.keys());
        final ChunkPool pool = pools.computeIfAbsent(((long) spec.chunkBytes() << 16) | stages.size(),
            key -> new ChunkPool(spec.chunkBytes(), stages.size() + EXTRA_CHUNKS));
        Throwable error = null;
        SinkDevice sink = null;
        try {
            for (int i = 0; i < stages.size(); i++) {
                final StageSpec stage = stages.get(i);
                devices.add(checker.catalog().find(stage.kind()).orElseThrow()
                    .create(new DeviceParams(stageName(i, stage), stage.params(), 1), context));
            }
            sink = (SinkDevice) devices.get(devices.size() - 1);
            new DirectLoop(flowId, devices, counters, pool, null).run();
            sink.finish();
        } catch (RuntimeException e) {
            error = e;
            if (sink != null) {
                sink.abort(e);
            }
        } finally {
            for (Device device : devices) {
                device.close();
            }
        }
        return result(flowId, spec, counters, devices, startNs, error);
    }

    private static FlowResult result(long flowId, FlowSpec spec, List<StageCounters> counters, List<Device> devices,
        long startNs, Throwable error) {
        final List<FlowResult.StageReport> reports = new ArrayList<>(counters.size());
        for (int i = 0; i < counters.size(); i++) {
            reports.add(new FlowResult.StageReport(counters.get(i),
                i < devices.size() && error == null ? devices.get(i).results() : Map.of(), 0));
        }
        final StageCounters source = counters.isEmpty() ? null : counters.get(0);
        final StageCounters sink = counters.isEmpty() ? null : counters.get(counters.size() - 1);
        return new FlowResult(flowId, spec.name(), source == null ? 0 : source.bytesOut(),
            sink == null ? 0 : sink.bytesIn(), source == null ? 0 : source.chunksOut(), System.nanoTime() - startNs,
            reports, error);
    }

    /** As the flow compiler names stages, so results read the same either way. */
    private static String stageName(int index, StageSpec stage) {
        return "stage " + (index + 1) + " (" + stage.kind() + ")";
    }
}
