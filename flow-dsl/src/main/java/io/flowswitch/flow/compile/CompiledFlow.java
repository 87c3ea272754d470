package io.flowswitch.flow.compile;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.port.DataPort;
import io.flowswitch.devices.stage.LaneCursor;
import io.flowswitch.devices.stage.PortReaderStage;
import io.flowswitch.devices.stage.PortWriterStage;
import io.flowswitch.devices.stage.ReplicaBalance;
import io.flowswitch.devices.stage.SequenceMerge;
import io.flowswitch.devices.stage.SinkStage;
import io.flowswitch.devices.stage.SourceStage;
import io.flowswitch.devices.stage.StageCounters;
import io.flowswitch.devices.stage.TransformStage;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.ladder.Receipt;
import io.flowswitch.flow.recovery.LadderStage;
import io.flowswitch.flow.recovery.StageRecovery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.UniformFanInShape;
import org.apache.pekko.stream.UniformFanOutShape;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A flow with its devices, ports and pools open, ready to run once. {@link #run} materializes one island
 * per stage and completes with the {@link FlowResult} after every island stopped and every port closed.
 * The flow owns every chunk of its pools; at the end all of them must be back (a leak fails the flow).
 *
 * <p>Pools: with fused ports chunks travel from island to island, so the flow has one pool. With Aeron
 * ports a chunk never leaves its island (the writer copies it out, the reader copies into its own), so
 * each island has its own pool: an island that waits for its reader to find a free chunk can then never
 * be starved by chunks piled up in another island.
 */
public final class CompiledFlow {
    /** Runs CPU-bound device stages; configured in reference.conf. */
    public static final String DEVICE_DISPATCHER = "flowswitch.device-dispatcher";
    /** Runs stages whose devices block (files, sockets); configured in reference.conf. */
    public static final String BLOCKING_DISPATCHER = "flowswitch.blocking-io-dispatcher";
    private static final int REPLICA_INPUT_BUFFER_CHUNKS = 2;

    private final FlowSpec spec;
    private final long flowId;
    /** 1 for a chain of islands joined by ports; more for that many lanes, each one island end to end. */
    private final int lanes;
    private final List<ChunkPool> islandPools;
    private final List<List<Device>> devices;
    private final List<DataPort> ports;
    /** A small flow: one island, every stage fused on one thread, no port (see FlowCompiler.small). */
    private final boolean oneIsland;
    /** A small flow without a ladder: its devices run in a {@link DirectLoop}, no island is materialised. */
    private final boolean direct;
    /** The source runs on stage 2's island (see FlowCompiler.joinsNeighbour); there is no port between them. */
    private final boolean sourceJoined;
    private final boolean joinedSourceAndSink;
    private final DeviceCatalog catalog;
    private final Recoveries recoveries;
    private final List<List<StageCounters>> counters = new ArrayList<>();
    /** Per balanced stage (by index), how many of its replicas take chunks; see {@link #resizeReplicas}. */
    private final Map<Integer, AtomicInteger> activeReplicas = new ConcurrentHashMap<>();
    /** Per stage, the most replicas that ever ran: its pool holds chunks for that many. Guarded by itself. */
    private final int[] pooledReplicas;
    /** Set under {@link #pooledReplicas}' lock when the flow ends: no pool grows after its chunks are counted. */
    private boolean poolsCounted;
    /** The chunk positions the lanes claim, and how many of them claim; null unless the flow runs as lanes. */
    private final LaneCursor laneCursor;
    private final SharedKillSwitch killSwitch;
    private final AtomicBoolean started = new AtomicBoolean();
    /** What stopped the flow first: an island's error or an abort's cause; the result carries it. */
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private volatile long startNs;
    /** A flow that runs as lanes without a ladder: each lane a {@link LaneLoop}, no stream graph materialised. */
    private final boolean laneLoops;
    /** The running lane loops, once {@link #run} started them; null before, and for other flows. */
    private volatile List<LaneLoop> runningLoops;
    /** Where a direct flow's pool or a lane flow's pools go back when the flow ends, for the next flows; else null. */
    private final SmallFlowPools smallFlowPools;

    CompiledFlow(FlowSpec spec, long flowId, int lanes, List<ChunkPool> islandPools, List<List<Device>> devices,
        List<DataPort> ports, boolean sourceJoined, DeviceCatalog catalog, Recoveries recoveries,
        boolean directSmallFlows, SmallFlowPools smallFlowPools, boolean laneLoops) {
        this.spec = spec;
        this.laneLoops = laneLoops && lanes > 1;
        this.smallFlowPools = smallFlowPools;
        this.recoveries = recoveries;
        this.flowId = flowId;
        this.lanes = lanes;
        this.islandPools = islandPools;
        this.devices = devices;
        this.ports = ports;
        this.oneIsland = lanes == 1 && ports.isEmpty();
        this.sourceJoined = sourceJoined && !oneIsland;
        this.joinedSourceAndSink = sourceJoined && oneIsland;
        // A source joined to its sink is a long-lived hand-over (an application's pipe), not a small flow.
        this.direct = directSmallFlows && oneIsland && !sourceJoined && recoveries.none();
        this.catalog = catalog;
        this.laneCursor = lanes > 1 ? new LaneCursor(lanes) : null;
        if (laneCursor != null) {
            // Compiled with a ceiling, a lane flow starts with the lanes its spec asks for; the others park.
            laneCursor.activate(plannedLanes());
        }
        this.killSwitch = KillSwitches.shared("flow-" + flowId);
        this.pooledReplicas = new int[spec.stages().size()];
        for (int i = 0; i < pooledReplicas.length; i++) {
            pooledReplicas[i] = plannedReplicas(i);
        }
        for (int i = 0; i < spec.stages().size(); i++) {
            final List<StageCounters> stageCounters = new ArrayList<>();
            final StageSpec stage = spec.stages().get(i);
            final int instances = devices.get(i).size();
            for (int r = 0; r < instances; r++) {
                stageCounters.add(new StageCounters((i + 1) + ":" + stage.kind()
                    + (lanes > 1 ? "@lane" + r : instances > 1 ? "#" + r : "")));
            }
            counters.add(stageCounters);
        }
    }

    public FlowSpec spec() {
        return spec;
    }

    public long flowId() {
        return flowId;
    }

    /** Bytes the sink has taken so far; safe to read from any thread while the flow runs. */
    public long bytesDone() {
        return counters.get(counters.size() - 1).stream().mapToLong(StageCounters::bytesIn).sum();
    }

    /** Bytes the source has read so far. */
    public long bytesRead() {
        return counters.get(0).stream().mapToLong(StageCounters::bytesOut).sum();
    }

    /** Total bytes the source will read, or -1 when it cannot know (a socket). */
    public long sourceSizeBytes() {
        return ((SourceDevice) devices.get(0).get(0)).sizeBytes();
    }

    /** Counters, port and pool state in one line per stage, for diagnosing a stalled flow. */
    public String debugState() {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < islandPools.size(); i++) {
            sb.append("island ").append(i + 1).append(" pool ").append(islandPools.get(i).available()).append('/')
                .append(islandPools.get(i).capacityChunks()).append(" free\n");
        }
        for (List<StageCounters> stage : counters) {
            stage.forEach(c -> sb.append("  ").append(c).append('\n'));
        }
        for (DataPort port : ports) {
            sb.append("  ").append(port).append('\n');
        }
        return sb.toString();
    }

    /** Where each edge's chunks travel, e.g. {@code aeron:ipc stream 1001}, or how the lanes run. */
    public List<String> edges() {
        if (lanes > 1) {
            return List.of(lanes + " lanes (" + laneCursor.activeLanes()
                + " active), each fused end to end on one thread, claiming chunks from a shared cursor");
        }
        if (direct) {
            return List.of("direct: a small flow, its devices in a plain loop on one thread");
        }
        if (oneIsland) {
            return List.of(joinedSourceAndSink ? "fused: the source runs on the sink's thread, one island"
                : "fused: a small flow, one island end to end on one thread");
        }
        final List<String> edges = new ArrayList<>();
        if (sourceJoined) {
            edges.add("fused: the source runs on stage 2's thread");
        }
        ports.forEach(port -> edges.add(port.description()));
        return edges;
    }

    /**
     * Changes how many replicas of stage {@code index} take new chunks, while the flow runs: the balance
     * in front of them parks or unparks replicas between two chunks, and the merge behind them keeps the
     * sequence, so no byte is lost, duplicated or reordered, up to the replicas it was compiled with ({@link
     * #replicaCeiling}). Unparking a replica that never ran first adds its chunks to the pool (allocated here,
     * on the caller's thread). In a flow that runs as lanes, {@code index} is any stage the flow asked to
     * replicate and {@code active} the lanes that claim chunks from the shared cursor: the others park after
     * the chunk they hold (see {@link LaneCursor}). A single instance cannot. Called before {@link #run}, it
     * sets the count the flow starts with. Safe from any thread; one caller at a time.
     *
     * @param active the replicas (or lanes) wanted, from 1 to the stage's ceiling
     * @return whether the flow took it
     */
    public boolean resizeReplicas(int index, int active) {
        if (lanes > 1) {
            if (index <= 0 || index >= devices.size() - 1 || active < 1 || active > lanes) {
                return false;
            }
            laneCursor.activate(active);
            return true;
        }
        if (oneIsland || index <= 0 || index >= devices.size() - 1 || devices.get(index).size() < 2
            || active < 1 || active > devices.get(index).size()) {
            return false;
        }
        synchronized (pooledReplicas) {
            if (poolsCounted) {
                return false;
            }
            if (active > pooledReplicas[index]) {
                // Before the balance hands the new replicas a chunk: a pool short of their chunks could run dry
                // with every chunk in a boundary waiting on a stage that waits on the pool.
                islandPools.get(index).grow((active - pooledReplicas[index]) * FlowCompiler.CHUNKS_PER_REPLICA);
                pooledReplicas[index] = active;
            }
        }
        activeReplicas(index, devices.get(index).size()).set(active);
        return true;
    }

    /**
     * As {@link #resizeReplicas(int, int)} for every stage at once, {@code replicasByStage} giving one count per
     * stage (sources, sinks and single instances are left as they are). A flow that runs as lanes takes the
     * most any of its transforms wants: each lane carries every stage.
     */
    public void resizeReplicas(List<Integer> replicasByStage) {
        if (replicasByStage.isEmpty()) {
            return;
        }
        if (lanes > 1) {
            int most = 1;
            for (int i = 1; i < Math.min(replicasByStage.size(), devices.size()) - 1; i++) {
                most = Math.max(most, replicasByStage.get(i));
            }
            resizeReplicas(1, Math.min(most, lanes));
            return;
        }
        for (int i = 0; i < replicasByStage.size(); i++) {
            resizeReplicas(i, replicasByStage.get(i));
        }
    }

    /** How many replicas of stage {@code index} take new chunks now (for lanes, how many lanes claim). */
    public int activeReplicas(int index) {
        if (lanes > 1) {
            return laneCursor.activeLanes();
        }
        final AtomicInteger active = activeReplicas.get(index);
        return active != null ? active.get() : plannedReplicas(index);
    }

    /**
     * How many replicas stage {@code index} was compiled with: the most {@link #resizeReplicas} may make
     * active. More than its spec's {@code replicas} when it was compiled with a ceiling (see {@link
     * FlowCompiler#compileChecked(FlowSpec, long, List)}).
     */
    public int replicaCeiling(int index) {
        return devices.get(index).size();
    }

    /** The replicas of stage {@code index} that run from the start: its spec's, within what was compiled. */
    private int plannedReplicas(int index) {
        return Math.min(devices.get(index).size(), Math.max(1, spec.stages().get(index).replicas()));
    }

    /** The lanes that claim chunks from the start: as many as the most replicas its spec asks of a stage. */
    private int plannedLanes() {
        int most = 1;
        for (StageSpec stage : spec.stages()) {
            most = Math.max(most, stage.replicas());
        }
        return Math.min(lanes, most);
    }

    private AtomicInteger activeReplicas(int index, int replicas) {
        return activeReplicas.computeIfAbsent(index, i -> new AtomicInteger(Math.min(replicas, plannedReplicas(i))));
    }

    /** The flow's chunk pools, one per island or lane (a fused flow's one pool once per island). */
    List<ChunkPool> pools() {
        return islandPools;
    }

    /** How many parallel lanes the flow runs as; 1 when it runs as a chain of islands. */
    public int lanes() {
        return lanes;
    }

    /**
     * Stops the flow: every island fails with {@code cause}, the sink removes partial output. A stage
     * blocked inside its device (a socket waiting for a peer, a write to a slow one) would only see the
     * kill switch after the call returns, so the devices of the ends are closed too: their blocked call
     * then fails at once.
     */
    public void abort(Throwable cause) {
        // Recorded before the devices are closed: their blocked calls then fail, but the flow was aborted.
        firstFailure.compareAndSet(null, cause);
        killSwitch.abort(cause);
        wakeLaneLoops();
        if (started.get()) {
            devices.get(0).forEach(Device::close);
            devices.get(devices.size() - 1).forEach(Device::close);
        }
    }

    /** Whether this is a small flow whose devices run in a {@link DirectLoop}, with no island materialised. */
    public boolean direct() {
        return direct;
    }

    /**
     * Materializes every island. Call once.
     *
     * @return completes with the result whether the flow succeeded or failed; never completes exceptionally
     */
    public CompletionStage<FlowResult> run(Materializer materializer) {
        return run(materializer, null);
    }

    /**
     * As {@link #run(Materializer)}, with a {@link #direct()} flow's loop on {@code smallFlowLoop}: {@code
     * Runnable::run} runs it on the calling thread, which then returns when the flow has ended (it must be a
     * thread that may block, and an abort must come from another); null, on a task of the blocking dispatcher.
     */
    public CompletionStage<FlowResult> run(Materializer materializer, Executor smallFlowLoop) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("flow " + flowId + " was already run");
        }
        startNs = System.nanoTime();
        if (direct) {
            return runDirect(smallFlowLoop != null ? smallFlowLoop
                : materializer.system().dispatchers().lookup(BLOCKING_DISPATCHER));
        }
        if (laneLoops) {
            return runLaneLoops(materializer.system().dispatchers().lookup(BLOCKING_DISPATCHER));
        }
        final List<CompletableFuture<Done>> islands = new ArrayList<>();
        final int last = spec.stages().size() - 1;
        try {
            final int first = sourceJoined ? 1 : 0;
            for (int i = 0; i < (lanes > 1 ? lanes : oneIsland ? 1 : last + 1 - first); i++) {
                final CompletableFuture<Done> island = (lanes > 1 || oneIsland ? lane(i)
                    : island(i == 0 ? 0 : i + first, last)).run(materializer).toCompletableFuture();
                // The future after the failure is recorded, not the island's own: dependents of one future
                // run in no set order, and the result must not be built before the failure is in it (a flow
                // of one island, or the last lane to fail, reported success without it).
                islands.add(island.whenComplete((done, error) -> {
                    if (error != null && firstFailure.compareAndSet(null, unwrap(error))) {
                        // One island failed: stop the others rather than let them wait on a dead port.
                        killSwitch.abort(unwrap(error));
                    }
                }));
            }
        } catch (RuntimeException e) {
            firstFailure.compareAndSet(null, e);
            killSwitch.abort(e);
        }
        return CompletableFuture.allOf(islands.toArray(CompletableFuture[]::new))
            .handle((ignored, error) -> lanes > 1 ? finishLanes(firstFailure.get()) : finish(firstFailure.get()));
    }

    /**
     * A small flow's devices in a {@link DirectLoop} on one task of {@code executor} (the blocking
     * dispatcher: the ends may block). Materialising an island and its stage actors cost more than moving a
     * few chunks. Counters, results, the chunk check and {@link #abort} behave as for an island: an abort
     * stops the loop before its next chunk, and closing the ends fails a call blocked in them.
     */
    private CompletionStage<FlowResult> runDirect(Executor executor) {
        final List<Device> line = new ArrayList<>(devices.size());
        final List<StageCounters> lineCounters = new ArrayList<>(devices.size());
        for (int i = 0; i < devices.size(); i++) {
            line.add(devices.get(i).get(0));
            lineCounters.add(counters.get(i).get(0));
        }
        final SinkDevice sink = (SinkDevice) line.get(line.size() - 1);
        final CompletableFuture<FlowResult> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    new DirectLoop(flowId, line, lineCounters, islandPools.get(0), firstFailure).run();
                    sink.finish();
                } catch (RuntimeException e) {
                    firstFailure.compareAndSet(null, e);
                    try {
                        sink.abort(firstFailure.get());
                    } catch (RuntimeException suppressed) {
                        firstFailure.get().addSuppressed(suppressed);
                    }
                } finally {
                    result.complete(finishDirect(firstFailure.get()));
                }
            });
        } catch (RuntimeException e) {
            firstFailure.compareAndSet(null, e);
            sink.abort(e);
            result.complete(finishDirect(e));
        }
        return result;
    }

    /**
     * Each lane in a {@link LaneLoop} on tasks of {@code executor} (the blocking dispatcher: the ends may block).
     * A Pekko graph per lane cost an actor spawned and an interpreter started per lane before the lane's first
     * chunk. Counters, results, the chunk check, {@link #resizeReplicas} and {@link #abort} behave as for lanes
     * of stream stages: a lane's failure stops the others before their next chunk (parked ones are woken to
     * stop), and closing the ends fails a call blocked in them.
     */
    private CompletionStage<FlowResult> runLaneLoops(Executor executor) {
        final int last = spec.stages().size() - 1;
        final List<LaneLoop> loops = new ArrayList<>(lanes);
        for (int lane = 0; lane < lanes; lane++) {
            final List<Device> line = new ArrayList<>(devices.size());
            final List<StageCounters> lineCounters = new ArrayList<>(devices.size());
            for (int i = 0; i < devices.size(); i++) {
                final Device device = devices.get(i).get(lane);
                line.add(i == last ? new LaneFailureSink((SinkDevice) device, this::laneFailed) : device);
                lineCounters.add(counters.get(i).get(lane));
            }
            loops.add(new LaneLoop(flowId, lane, laneCursor, spec.chunkBytes(), line, lineCounters,
                islandPools.get(lane), firstFailure, executor));
        }
        runningLoops = loops;
        final CompletableFuture<?>[] ends = new CompletableFuture<?>[lanes];
        for (int lane = 0; lane < lanes; lane++) {
            ends[lane] = loops.get(lane).done();
        }
        // Each lane looks at the stop cause first: one aborted before it started fails at once.
        loops.forEach(LaneLoop::start);
        return CompletableFuture.allOf(ends).handle((ignored, error) -> finishLanes(firstFailure.get()));
    }

    /** Wakes every lane loop (parked ones too), so that each sees the flow's stop cause before its next chunk. */
    private void wakeLaneLoops() {
        final List<LaneLoop> loops = runningLoops;
        if (loops != null) {
            loops.forEach(LaneLoop::wake);
        }
    }

    /** Lane {@code lane}: source, transforms and sink fused on one thread, no port at all. */
    private org.apache.pekko.stream.javadsl.RunnableGraph<CompletionStage<Done>> lane(int lane) {
        final int last = spec.stages().size() - 1;
        final ChunkPool pool = islandPools.get(lane);
        final SourceDevice source = (SourceDevice) devices.get(0).get(lane);
        Source<Chunk, NotUsed> body = Source.fromGraph(lanes > 1
            ? new SourceStage(source, pool, flowId, counters.get(0).get(lane), laneCursor, lane, spec.chunkBytes())
            : new SourceStage(source, pool, flowId, counters.get(0).get(lane))).via(killSwitch.flow());
        for (int i = 1; i < last; i++) {
            body = body.via(Flow.fromGraph(transformStage(i, lane, pool)));
        }
        final String name = "flow-" + flowId + ".lane" + lane;
        final SinkDevice sink = (SinkDevice) devices.get(last).get(lane);
        return body.toMat(Sink.fromGraph(new SinkStage(lanes > 1 ? new LaneFailureSink(sink, this::laneFailed) : sink,
                counters.get(last).get(lane))), Keep.right())
            .withAttributes(ActorAttributes.dispatcher(BLOCKING_DISPATCHER)
                .and(org.apache.pekko.stream.Attributes.name(name)));
    }

    /**
     * The island whose first stage is {@code index}: that stage alone, or the source with stage 2 when the
     * source is joined to it. The last stage is a sink; with a joined source it lies beyond stage 2 (a flow of
     * two such stages is one island, {@link #lane}).
     */
    private org.apache.pekko.stream.javadsl.RunnableGraph<CompletionStage<Done>> island(int index, int last) {
        final StageSpec stage = spec.stages().get(index);
        final int end = index == 0 && sourceJoined ? 1 : index;
        final String name = "flow-" + flowId + "." + (index + 1) + ":" + stage.kind();
        final Source<Chunk, NotUsed> head = index == 0
            ? Source.fromGraph(new SourceStage((SourceDevice) devices.get(0).get(0), islandPools.get(0), flowId,
                counters.get(0).get(0)))
            : Source.fromGraph(new PortReaderStage(portAfter(index - 1), islandPools.get(index), name));
        Source<Chunk, NotUsed> body = head.via(killSwitch.flow());
        for (int i = Math.max(index, 1); i <= end && i < last; i++) {
            body = body.via(transform(i, spec.stages().get(i)));
        }
        final Sink<Chunk, CompletionStage<Done>> tail = end == last
            ? Sink.fromGraph(new SinkStage((SinkDevice) devices.get(end).get(0), counters.get(end).get(0)))
            : Sink.fromGraph(new PortWriterStage(portAfter(end), name));
        final String dispatcher = end > index && dispatcherFor(spec.stages().get(end)).equals(BLOCKING_DISPATCHER)
            ? BLOCKING_DISPATCHER : dispatcherFor(stage);
        return body.toMat(tail, Keep.right())
            .withAttributes(ActorAttributes.dispatcher(dispatcher).and(org.apache.pekko.stream.Attributes.name(name)));
    }

    private Flow<Chunk, Chunk, NotUsed> transform(int index, StageSpec stage) {
        final List<Device> replicas = devices.get(index);
        if (replicas.size() == 1) {
            return Flow.fromGraph(transformStage(index, 0, islandPools.get(index)));
        }
        final String dispatcher = dispatcherFor(stage);
        return Flow.fromGraph(GraphDSL.create(builder -> {
            final UniformFanOutShape<Chunk, Chunk> balance = builder.add(new ReplicaBalance(replicas.size(),
                activeReplicas(index, replicas.size()),
                "flow-" + flowId + ".balance" + (index + 1)));
            final UniformFanInShape<Chunk, Chunk> merge =
                builder.add(new SequenceMerge(replicas.size(), "flow-" + flowId + ".merge" + (index + 1)));
            for (int r = 0; r < replicas.size(); r++) {
                final FlowShape<Chunk, Chunk> replica = builder.add(
                    Flow.fromGraph(transformStage(index, r, islandPools.get(index)))
                        .async(dispatcher, REPLICA_INPUT_BUFFER_CHUNKS));
                builder.from(balance.out(r)).via(replica).toInlet(merge.in(r));
            }
            return FlowShape.of(balance.in(), merge.out());
        })).addAttributes(org.apache.pekko.stream.Attributes.inputBuffer(REPLICA_INPUT_BUFFER_CHUNKS,
            REPLICA_INPUT_BUFFER_CHUNKS));
    }

    /** Instance {@code r} of transform stage {@code index}: a ladder stage when it has a ladder or a fault. */
    private org.apache.pekko.stream.Graph<FlowShape<Chunk, Chunk>, NotUsed> transformStage(int index, int r,
        ChunkPool pool) {
        final TransformDevice device = (TransformDevice) devices.get(index).get(r);
        final StageRecovery recovery = recoveries.stage(index);
        return recovery == null ? new TransformStage(device, pool, counters.get(index).get(r))
            : new LadderStage(recovery, device, pool, recovery.newReplayPool(), counters.get(index).get(r));
    }

    /**
     * The path receipt so far: which path produced each stage's output and every ladder step taken. Safe
     * from any thread; complete once the flow ended.
     */
    public Receipt receipt() {
        final List<Receipt.Segment> plain = new ArrayList<>();
        for (int i = 0; i < counters.size(); i++) {
            if (recoveries.stage(i) != null) {
                continue;
            }
            final List<StageCounters> stage = counters.get(i);
            for (int r = 0; r < stage.size(); r++) {
                final StageCounters c = stage.get(r);
                final long chunks = i == counters.size() - 1 ? c.chunksIn() : c.chunksOut();
                final long bytes = i == counters.size() - 1 ? c.bytesIn() : c.bytesOut();
                if (chunks > 0) {
                    plain.add(new Receipt.Segment(c.stage(), lanes > 1 ? "lane " + r : "instance " + r, -1, -1, 0,
                        bytes));
                }
            }
        }
        return recoveries.recorder().receipt(plain);
    }

    /** Tells {@code listener} every exception-ladder step the flow takes from now on (for its event stream). */
    public void onLadderStep(java.util.function.Consumer<Receipt.StepTaken> listener) {
        recoveries.recorder().onStep(listener);
    }

    /**
     * Has {@code crasher} told the index (0-based) of a stage whose {@code actor-crash} fault fires, and the
     * replica it struck: the node crashes the device actor of that replica's first instance. Call before
     * {@link #run}.
     */
    public void onActorCrashFault(ActorCrasher crasher) {
        recoveries.onActorCrash(crasher);
    }

    /** Who crashes a device actor when a stage's {@code actor-crash} fault fires (the flow's supervisor). */
    @FunctionalInterface
    public interface ActorCrasher {
        /**
         * @param stage   the stage's index (0-based)
         * @param replica the replica whose first instance the fault struck: in a balanced stage the one that
         *                first met the fault's chunk; 0 for a single instance and for lanes
         */
        void crash(int stage, int replica);
    }

    /**
     * The device actor of an instance stage {@code index} leased died: the stage's instances that run on it
     * climb their ladders; those on other instances carry on. A stage with neither ladder nor fault has
     * no way round (its device runs on as it is). Any thread.
     *
     * @param replica the replica whose first instance it was, or -1 for a spare a redirect leased
     */
    public void deviceLost(int index, int replica, String instance, String cause) {
        final StageRecovery recovery = recoveries.stage(index);
        if (recovery != null) {
            recovery.deviceLost(new StageRecovery.LostInstance(replica, instance, cause));
        }
    }

    /** The port on the edge from stage {@code index} to the next; none between a joined source and stage 2. */
    private DataPort portAfter(int index) {
        return ports.get(sourceJoined ? index - 1 : index);
    }

    /** Stages whose devices block run on the blocking dispatcher, never beside the actors. */
    private String dispatcherFor(StageSpec stage) {
        return catalog.find(stage.kind()).orElseThrow().blocking() ? BLOCKING_DISPATCHER : DEVICE_DISPATCHER;
    }

    /**
     * As {@link #finish}, then the loop's pool goes back for the next small flow (if every chunk is in it),
     * before the application hears the result: the flow it opens next finds it.
     */
    private FlowResult finishDirect(Throwable failure) {
        final FlowResult result = finish(failure);
        if (smallFlowPools != null) {
            smallFlowPools.giveBack(islandPools.get(0));
        }
        return result;
    }

    /**
     * As {@link #finish}, then, when the flow succeeded (every stage of every lane completed, none holds a
     * chunk), the lanes' pools go back for the next flows before the application hears the result.
     */
    private FlowResult finishLanes(Throwable failure) {
        final FlowResult result = finish(failure);
        if (smallFlowPools != null && result.succeeded()) {
            islandPools.forEach(smallFlowPools::giveBack);
        }
        return result;
    }

    private FlowResult finish(Throwable failure) {
        final long elapsedNs = System.nanoTime() - startNs;
        ports.forEach(DataPort::close);
        final List<FlowResult.StageReport> reports = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            final int port = sourceJoined ? i - 1 : i;
            final long rejections = port >= 0 && port < ports.size() ? ports.get(port).creditRejections() : 0;
            for (int r = 0; r < devices.get(i).size(); r++) {
                final Device device = devices.get(i).get(r);
                device.close();
                final Map<String, String> results = recoveries.stage(i) == null ? device.results()
                    : recoveries.stage(i).results(counters.get(i).get(r).stage(), device.results());
                reports.add(new FlowResult.StageReport(counters.get(i).get(r), Map.copyOf(results), rejections));
            }
        }
        Throwable error = failure;
        synchronized (pooledReplicas) {
            poolsCounted = true;
            for (ChunkPool pool : islandPools) {
                if (error == null && pool.available() != pool.capacityChunks()) {
                    error = new IllegalStateException("flow " + flowId + " lost track of "
                        + (pool.capacityChunks() - pool.available()) + " chunk buffer(s)");
                }
            }
        }
        final long chunks = counters.get(0).stream().mapToLong(StageCounters::chunksOut).sum();
        return new FlowResult(flowId, spec.name(), bytesRead(), bytesDone(), chunks, elapsedNs, List.copyOf(reports),
            error, receipt());
    }

    /**
     * A lane's sink is aborted: its failure is the flow's (unless one came first) before the lanes' shared
     * sink closes under the others, and the other lanes stop, parked ones too.
     */
    private void laneFailed(Throwable error) {
        final Throwable cause = unwrap(error);
        if (firstFailure.compareAndSet(null, cause)) {
            killSwitch.abort(cause);
            wakeLaneLoops();
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
