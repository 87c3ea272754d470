package io.flowswitch.javadsl;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.stage.StageCounters;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.Transport;
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
            new Loop(flowId, devices, counters, pool).run();
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

    /** One request's chunks through its devices; chunk ownership as the device interfaces say. */
    private static final class Loop {
        private final long flowId;
        private final SourceDevice source;
        private final List<TransformDevice> transforms = new ArrayList<>();
        private final SinkDevice sink;
        private final List<StageCounters> counters;
        private final ChunkPool pool;

        Loop(long flowId, List<Device> devices, List<StageCounters> counters, ChunkPool pool) {
            this.flowId = flowId;
            this.source = (SourceDevice) devices.get(0);
            for (int i = 1; i < devices.size() - 1; i++) {
                transforms.add((TransformDevice) devices.get(i));
            }
            this.sink = (SinkDevice) devices.get(devices.size() - 1);
            this.counters = counters;
            this.pool = pool;
        }

        void run() {
            final long sizeBytes = source.sizeBytes();
            long offset = 0;
            for (long sequence = 0; ; sequence++) {
                final Chunk chunk = acquire();
                final long readNs = System.nanoTime();
                int length;
                try {
                    length = source.read(chunk);
                } catch (RuntimeException e) {
                    chunk.release();
                    throw e;
                }
                counters.get(0).addBusyNs(System.nanoTime() - readNs);
                if (length < 0) {
                    if (sequence != 0 || sizeBytes != 0) {
                        chunk.release();
                        break;
                    }
                    // An empty source of known size still says where the flow ends: one empty chunk.
                    chunk.payload(Chunk.HEADROOM, 0);
                    length = 0;
                }
                final boolean last = sizeBytes >= 0 && offset + length >= sizeBytes;
                chunk.header().flowId(flowId).sequence(sequence).byteOffset(offset)
                    .flags((sequence == 0 ? ChunkFlags.FIRST : 0) | (last ? ChunkFlags.LAST : 0));
                offset += length;
                counters.get(0).countOut(length);
                push(0, chunk);
                if (last) {
                    break;
                }
            }
            for (int t = 0; t < transforms.size(); t++) {
                transforms.get(t).endOfInput();
                drain(t);
                if (!transforms.get(t).isFinished()) {
                    throw new DeviceException("DIRECT_PATH_STALLED", counters.get(t + 1).stage()
                        + ": did not finish after its input ended");
                }
            }
        }

        /** Hands {@code chunk} (owned by the caller until now) to transform {@code t}, or the sink. */
        private void push(int t, Chunk chunk) {
            if (t == transforms.size()) {
                try {
                    final long startNs = System.nanoTime();
                    sink.write(chunk);
                    counters.get(t + 1).addBusyNs(System.nanoTime() - startNs);
                    counters.get(t + 1).countIn(chunk.payloadLength());
                } finally {
                    chunk.release();
                }
                return;
            }
            final TransformDevice device = transforms.get(t);
            if (!device.needsInput()) {
                chunk.release();
                throw new DeviceException("DIRECT_PATH_STALLED", counters.get(t + 1).stage()
                    + ": takes no input with its output drained (the direct path's pool of "
                    + pool.capacityChunks() + " chunks ran dry)");
            }
            counters.get(t + 1).countIn(chunk.payloadLength());
            final long startNs = System.nanoTime();
            device.accept(chunk);
            counters.get(t + 1).addBusyNs(System.nanoTime() - startNs);
            drain(t);
        }

        private void drain(int t) {
            for (Chunk out = poll(t); out != null; out = poll(t)) {
                counters.get(t + 1).countOut(out.payloadLength());
                push(t + 1, out);
            }
        }

        private Chunk poll(int t) {
            final long startNs = System.nanoTime();
            final Chunk out = transforms.get(t).poll(pool);
            counters.get(t + 1).addBusyNs(System.nanoTime() - startNs);
            return out;
        }

        private Chunk acquire() {
            final Chunk chunk = pool.acquire();
            if (chunk == null) {
                throw new DeviceException("DIRECT_PATH_STALLED", "the direct path's pool of " + pool.capacityChunks()
                    + " chunks ran dry: a device kept chunks it does not hand out");
            }
            return chunk;
        }
    }
}
