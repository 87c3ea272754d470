package io.flowswitch.flow.compile;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.PositionalSink;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.devices.port.DataPort;
import io.flowswitch.devices.port.QueuePort;
import io.flowswitch.devices.stage.LaneSinks;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.flow.recovery.SpareInstances;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a {@link FlowSpec} into a {@link CompiledFlow}: checks it, creates one device instance per stage
 * (per replica), one data port per edge, the chunk pools, and one Pekko Streams island per
 * stage.
 *
 * <pre>
 *  island 0                 island 1                               island 2
 *  [SourceStage]-&gt;[writer] =port 0=&gt; [reader]-&gt;[TransformStage]-&gt;[writer] =port 1=&gt; [reader]-&gt;[SinkStage]
 * </pre>
 *
 * Each island runs on its own actor, so the stages of a chain overlap on the cores; a port is an Aeron
 * IPC stream or a fused queue, by the flow's {@link Transport}. A replicated stage is a balance over
 * replicas, each on its own actor, and a {@code SequenceMerge} that restores order. A transform with an
 * exception ladder (or an injected fault) runs as a {@code LadderStage}; see {@link Recoveries}.
 *
 * <p>Compiling opens files, sockets and Aeron streams, so it may block: call it off actor threads.
 * Thread-safe.
 */
public final class FlowCompiler {
    private static final int CHUNKS_PER_STAGE = 4;
    /** Two chunks in each async boundary of a replica (in and out, see CompiledFlow), one in its stage, one spare. */
    static final int CHUNKS_PER_REPLICA = 6;
    private static final int SPARE_CHUNKS = 8;
    /** A fused flow whose source holds at most this many chunks runs as one island: see {@link #small}. */
    public static final int SMALL_FLOW_CHUNKS = 4;

    private final DeviceCatalog catalog;
    private final MediaDriverNode driverNode;
    private final boolean directSmallFlows;
    /** Whether lanes without a ladder run as {@link LaneLoop}s rather than a stream graph each. */
    private final boolean laneLoops;
    private final SpareInstances spares;
    /** The chunk pools of finished direct small flows and lane flows, for the next ones; shared with {@link #withSpares}. */
    private final SmallFlowPools smallFlowPools;

    /**
     * @param driverNode the node's media driver; may be {@code null} when only fused flows are compiled
     */
    public FlowCompiler(DeviceCatalog catalog, MediaDriverNode driverNode) {
        this(catalog, driverNode, true);
    }

    /**
     * @param directSmallFlows whether a small flow without a ladder runs its devices in a {@link DirectLoop}
     *     (true) or as one materialised island (false; {@code flowswitch.node.small-flows = island})
     */
    public FlowCompiler(DeviceCatalog catalog, MediaDriverNode driverNode, boolean directSmallFlows) {
        this(catalog, driverNode, directSmallFlows, true, SmallFlowPools.DEFAULT_MAX_RETAINED_BYTES);
    }

    /**
     * @param laneLoops whether a flow that runs as lanes, without a ladder, runs each lane in a {@link LaneLoop}
     *     (true) or as a materialised stream graph per lane (false; {@code flowswitch.node.lane-flows = stream})
     * @param keptPoolBytes the most chunk payload kept between flows in finished flows' pools ({@link
     *     SmallFlowPools}); 0 for none ({@code flowswitch.node.kept-pool-bytes})
     */
    public FlowCompiler(DeviceCatalog catalog, MediaDriverNode driverNode, boolean directSmallFlows,
        boolean laneLoops, long keptPoolBytes) {
        this(catalog, driverNode, directSmallFlows, laneLoops, SpareInstances.UNMANAGED,
            new SmallFlowPools(keptPoolBytes));
    }

    private FlowCompiler(DeviceCatalog catalog, MediaDriverNode driverNode, boolean directSmallFlows,
        boolean laneLoops, SpareInstances spares, SmallFlowPools smallFlowPools) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.driverNode = driverNode;
        this.directSmallFlows = directSmallFlows;
        this.laneLoops = laneLoops;
        this.spares = Objects.requireNonNull(spares, "spares");
        this.smallFlowPools = smallFlowPools;
    }

    /**
     * This compiler (same catalog, driver and small-flow mode) with the ladders' {@code redirect
     * instance} leasing its instances from {@code value}, e.g. the node's lease ledger.
     */
    public FlowCompiler withSpares(SpareInstances value) {
        return new FlowCompiler(catalog, driverNode, directSmallFlows, laneLoops, value, smallFlowPools);
    }

    public DeviceCatalog catalog() {
        return catalog;
    }

    /** The pools finished direct small flows and lane flows left for the next ones. */
    SmallFlowPools smallFlowPools() {
        return smallFlowPools;
    }

    /**
     * Checks the shape of the flow and every stage's parameters, without opening anything.
     *
     * @return every problem found, each one sentence; empty when the flow is valid
     */
    public List<String> check(FlowSpec spec) {
        final List<String> problems = new ArrayList<>();
        final List<StageSpec> stages = spec.stages();
        if (stages.size() < 2) {
            problems.add("a flow needs at least a source and a sink, got " + stages.size() + " stage(s)");
        }
        if (spec.chunkBytes() < FlowContext.MIN_CHUNK_BYTES || spec.chunkBytes() > FlowContext.MAX_CHUNK_BYTES) {
            problems.add("chunk size must be between " + FlowContext.MIN_CHUNK_BYTES + " and "
                + FlowContext.MAX_CHUNK_BYTES + " bytes, got " + spec.chunkBytes());
        }
        if (spec.portCapacityChunks() < 1 || spec.portCapacityChunks() > FlowSpec.MAX_PORT_CAPACITY_CHUNKS) {
            problems.add("port capacity must be between 1 and " + FlowSpec.MAX_PORT_CAPACITY_CHUNKS
                + " chunks, got " + spec.portCapacityChunks());
        }
        if (spec.transport() == Transport.AERON_IPC && driverNode == null) {
            problems.add("transport AERON_IPC needs a media driver, and this compiler has none");
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        final FlowContext context = new FlowContext(0, spec.chunkBytes(), spec.keys());
        for (int i = 0; i < stages.size(); i++) {
            final StageSpec stage = stages.get(i);
            final DeviceRole expected = i == 0 ? DeviceRole.SOURCE
                : i == stages.size() - 1 ? DeviceRole.SINK : DeviceRole.TRANSFORM;
            final DeviceKind kind = catalog.find(stage.kind()).orElse(null);
            if (kind == null) {
                problems.add(stageName(i, stage) + ": unknown device kind; known " + roleWord(expected) + ": "
                    + String.join(", ", catalog.names(expected)));
                continue;
            }
            if (kind.role() != expected) {
                problems.add(stageName(i, stage) + ": is a " + kind.role().name().toLowerCase()
                    + " but position " + (i + 1) + " needs a " + expected.name().toLowerCase() + "; known "
                    + roleWord(expected) + ": " + String.join(", ", catalog.names(expected)));
                continue;
            }
            if ((stage.replicas() > 1 || stage.isAuto()) && (expected != DeviceRole.TRANSFORM || kind.capabilities().getStateful())) {
                problems.add(stageName(i, stage) + ": cannot be replicated ("
                    + (expected != DeviceRole.TRANSFORM ? "only transforms can" : "it is stateful and stays pinned")
                    + ")");
            }
            try {
                kind.validate(params(i, stage), context);
            } catch (DeviceException e) {
                problems.add(e.getMessage());
            }
            problems.addAll(Recoveries.check(stageName(i, stage), kind, stage, params(i, stage), context, catalog));
        }
        problems.addAll(Recoveries.checkEvents(spec));
        return problems;
    }

    /**
     * Checks, then opens everything the flow needs. On any failure closes what it opened.
     *
     * @throws FlowException with code {@code INVALID_FLOW} listing every problem, or the device's code
     */
    public CompiledFlow compile(FlowSpec spec, long flowId) {
        final List<String> problems = check(spec);
        if (!problems.isEmpty()) {
            throw new FlowException("INVALID_FLOW", String.join("; ", problems));
        }
        return compileChecked(spec, flowId);
    }

    /**
     * As {@link #compile}, for a flow that {@link #check} has just found valid (the flow manager checks every
     * flow before admitting it): not checked twice on the way to running. On any failure closes what it
     * opened.
     *
     * @throws FlowException with the device's code, or {@code SETUP_FAILED}
     */
    public CompiledFlow compileChecked(FlowSpec spec, long flowId) {
        return compileChecked(spec, flowId, List.of());
    }

    /**
     * As {@link #compileChecked(FlowSpec, long)}, with room for stages to grow while the flow runs: stage
     * {@code i} is compiled with {@code replicaCeilings.get(i)} replicas (when that is more than its spec
     * asks) and starts with only its spec's {@code replicas} taking chunks, the others parked until {@link
     * CompiledFlow#resizeReplicas} unparks them. A parked replica that never runs has its device and an idle
     * stream stage (no thread), and no chunk: the pools hold chunks for the replicas that run, and grow when
     * more do. A chain that runs as lanes at its ceilings is compiled with that many lanes, of which as many
     * as its spec asks claim chunks, the others parked. A small flow (one island) is compiled as its spec says.
     *
     * @param replicaCeilings per stage, the most replicas it may run with; empty (or a count no larger than the
     *     spec's) for none
     */
    public CompiledFlow compileChecked(FlowSpec spec, long flowId, List<Integer> replicaCeilings) {
        final FlowContext context = new FlowContext(flowId, spec.chunkBytes(), spec.keys());
        final List<StageSpec> stages = spec.stages();
        // With ceilings, a chain that runs as lanes is compiled with the lanes its stages may grow to.
        final int ceilingLanes = lanes(atCeilings(spec, replicaCeilings));
        int lanes = ceilingLanes;
        final List<List<Device>> devices = new ArrayList<>();
        final List<DataPort> ports = new ArrayList<>();
        final boolean oneIsland;
        final boolean sourceJoined;
        final Recoveries recoveries = new Recoveries(flowId, catalog, context, spares, spec.events());
        SourceDevice source = null;
        try {
            // The source first: whether the flow is small (one island, no ceiling) depends on its size.
            source = (SourceDevice) catalog.find(stages.get(0).kind()).orElseThrow()
                .create(params(0, stages.get(0), lanes > 1 ? lanes : 1), context);
            final boolean small = lanes(spec) == 1 && small(spec, source);
            if (small) {
                lanes = 1;
            }
            for (int i = 0; i < stages.size(); i++) {
                final StageSpec stage = stages.get(i);
                final DeviceKind kind = catalog.find(stage.kind()).orElseThrow();
                final List<Device> instances = new ArrayList<>();
                devices.add(instances);
                if (lanes > 1 && i == stages.size() - 1) {
                    instances.addAll(new LaneSinks((PositionalSink) kind.create(params(i, stage, lanes), context),
                        lanes).lanes());
                    continue;
                }
                final int count = lanes > 1 ? lanes : small ? Math.max(1, stage.replicas())
                    : ceiling(replicaCeilings, i, stage);
                for (int r = 0; r < count; r++) {
                    final Device created = i == 0 && r == 0 ? source : kind.create(params(i, stage, count), context);
                    final Device device = recoveries.withFault(i, stage, created, r, count, lanes > 1);
                    instances.add(i == stages.size() - 1 ? recoveries.withEvents(i, stage, device, spec.events()) : device);
                }
                recoveries.add(i, stageName(i, stage), kind, stage, params(i, stage, count), lanes == 1 && count > 1);
            }
            final boolean joinable = lanes == 1 && joinsNeighbour(spec, (SourceDevice) devices.get(0).get(0))
                && devices.get(1).size() <= 1;
            oneIsland = lanes == 1 && (small || joinable && stages.size() == 2);
            sourceJoined = joinable;
            final int maxPayloadBytes = spec.chunkBytes() + Chunk.HEADROOM + Chunk.TAILROOM;
            for (int i = joinable ? 1 : 0; lanes == 1 && !oneIsland && i < stages.size() - 1; i++) {
                final String edge = "edge " + (i + 1) + "->" + (i + 2);
                ports.add(spec.transport() == Transport.AERON_IPC
                    // A stream from the node's pool: connected already once the node is warm (see IpcStreamPool).
                    ? driverNode.ipcStreams().lease(edge, spec.portCapacityChunks(), maxPayloadBytes)
                    : new QueuePort("fused " + edge, spec.portCapacityChunks()));
            }
        } catch (RuntimeException e) {
            if (source != null && (devices.isEmpty() || devices.get(0).isEmpty())) {
                source.close();
            }
            devices.forEach(list -> list.forEach(Device::close));
            ports.forEach(DataPort::close);
            if (e instanceof DeviceException device) {
                throw new FlowException(device.code(), device.getMessage(), device);
            }
            throw new FlowException("SETUP_FAILED", "flow '" + spec.name() + "' could not be set up: " + e, e);
        }
        // As CompiledFlow decides it: such a flow runs in a DirectLoop, which takes a kept pool and gives it back.
        final boolean direct = directSmallFlows && oneIsland && !sourceJoined && recoveries.none();
        final List<ChunkPool> islandPools = lanes > 1 ? lanePools(spec, lanes, smallFlowPools)
            : direct ? List.of(smallFlowPools.take(spec.chunkBytes(), spec.stages().size() + SPARE_CHUNKS))
            : oneIsland ? lanePools(spec, 1) : pools(spec, devices);
        return new CompiledFlow(spec, flowId, lanes, islandPools, devices, ports, sourceJoined, catalog, recoveries,
            directSmallFlows, direct || lanes > 1 ? smallFlowPools : null, laneLoops && lanes > 1 && recoveries.none());
    }

    /**
     * Whether the source runs on its neighbour's thread: a source that only hands over chunks others filled
     * ({@link SourceDevice#handsOverOnly()}, an application's pipe) does no work an island of its own could
     * overlap, and that island costs every chunk a second cross-thread wake-up. Joined, the application's
     * write wakes the thread that consumes it, and none while that thread is busy. Only for fused ports and an
     * unreplicated neighbour (a replicated stage keeps its own island).
     */
    static boolean joinsNeighbour(FlowSpec spec, SourceDevice source) {
        return spec.transport() == Transport.FUSED && source.handsOverOnly() && spec.stages().size() >= 2
            && spec.stages().get(1).replicas() <= 1;
    }

    /**
     * Whether a flow is small enough to run as one island, its stages fused on one thread with no port:
     * its source knows its size and holds at most {@link #SMALL_FLOW_CHUNKS} chunks, no stage is
     * replicated, and its transport is {@link Transport#FUSED}. Materialising an island per stage and
     * handing a chunk or two across threads costs more than such a flow's whole work (flow set-up was
     * 0.8 ms at p50 with five islands for one 4 KiB chunk, most of it materialising and hand-offs).
     */
    static boolean small(FlowSpec spec, SourceDevice source) {
        if (spec.transport() != Transport.FUSED) {
            return false;
        }
        for (StageSpec stage : spec.stages()) {
            if (stage.replicas() > 1) {
                return false;
            }
        }
        final long sizeBytes = source.sizeBytes();
        return sizeBytes >= 0 && sizeBytes <= (long) SMALL_FLOW_CHUNKS * spec.chunkBytes();
    }

    /**
     * How many parallel lanes the flow runs as: the largest replica count when it asks for replicas and
     * its whole chain allows lanes (a positional source and sink, only lane-safe transforms); else 1, and
     * a replicated stage is balanced over its replicas and merged back in order.
     *
     * <p>Lanes are the cheaper way to replicate a slow device: each lane claims chunks from a cursor the
     * lanes share, transforms them and writes them in place, on one thread, with no hand-off at all. All
     * of them are created; {@link CompiledFlow#resizeReplicas} says how many claim.
     */
    public int lanes(FlowSpec spec) {
        final List<StageSpec> stages = spec.stages();
        int replicas = 1;
        for (StageSpec stage : stages) {
            replicas = Math.max(replicas, stage.replicas());
        }
        if (replicas == 1 || stages.size() < 2 || Recoveries.sinkFault(spec)) {
            return 1;
        }
        for (int i = 0; i < stages.size(); i++) {
            final DeviceKind kind = catalog.find(stages.get(i).kind()).orElse(null);
            final boolean end = i == 0 || i == stages.size() - 1;
            if (kind == null || (end ? !kind.positional() : !kind.laneSafe())) {
                return 1;
            }
        }
        return replicas;
    }

    /** {@code spec} with each stage at the replicas it is compiled with ({@link #ceiling}). */
    private FlowSpec atCeilings(FlowSpec spec, List<Integer> replicaCeilings) {
        if (replicaCeilings.isEmpty()) {
            return spec;
        }
        final List<StageSpec> stages = new ArrayList<>();
        for (int i = 0; i < spec.stages().size(); i++) {
            final StageSpec stage = spec.stages().get(i);
            final int compiled = ceiling(replicaCeilings, i, stage);
            stages.add(compiled > Math.max(1, stage.replicas()) ? stage.withReplicas(compiled) : stage);
        }
        return spec.withStages(stages);
    }

    /**
     * Stage {@code index}'s replicas as compiled: its spec's, or its ceiling when that is more (stateless
     * transforms only: a stateful stage stays pinned to one instance).
     */
    private int ceiling(List<Integer> replicaCeilings, int index, StageSpec stage) {
        final int replicas = Math.max(1, stage.replicas());
        if (index >= replicaCeilings.size() || replicaCeilings.get(index) == null || catalog.find(stage.kind())
            .map(k -> k.role() != DeviceRole.TRANSFORM || k.capabilities().getStateful()).orElse(true)) {
            return replicas;
        }
        return Math.max(replicas, replicaCeilings.get(index));
    }

    static String stageName(int index, StageSpec stage) {
        return "stage " + (index + 1) + " (" + stage.kind() + ")";
    }

    private static DeviceParams params(int index, StageSpec stage) {
        return params(index, stage, Math.max(1, stage.replicas()));
    }

    private static DeviceParams params(int index, StageSpec stage, int instances) {
        return new DeviceParams(stageName(index, stage), stage.deviceParams(), instances);
    }

    private static String roleWord(DeviceRole role) {
        return switch (role) {
            case SOURCE -> "sources";
            case TRANSFORM -> "transforms";
            case SINK -> "sinks";
        };
    }

    /**
     * One pool per island for Aeron ports (a chunk never leaves its island), one for the whole flow for
     * fused ports. Each is larger than all the chunks its holders can keep at once: every port full, every
     * stage holding what it may, every async boundary of a running replica full. So a stage that waits for
     * the pool waits only for a holder to move on, never for a chunk that cannot come back. A stage compiled
     * with more replicas ({@code devices}) than its spec runs (a ceiling) holds chunks for those that run, and
     * its pool has room to grow to all of them ({@link CompiledFlow#resizeReplicas}).
     */
    static List<ChunkPool> pools(FlowSpec spec, List<List<Device>> devices) {
        final List<StageSpec> stages = spec.stages();
        if (spec.transport() == Transport.FUSED) {
            int chunks = (stages.size() - 1) * spec.portCapacityChunks() + SPARE_CHUNKS;
            int most = chunks;
            for (int i = 0; i < stages.size(); i++) {
                chunks += islandChunks(stages.get(i), devices.get(i).size(), false);
                most += islandChunks(stages.get(i), devices.get(i).size(), true);
            }
            final ChunkPool pool = new ChunkPool(spec.chunkBytes(), chunks, most);
            return java.util.Collections.nCopies(stages.size(), pool);
        }
        final List<ChunkPool> pools = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            pools.add(new ChunkPool(spec.chunkBytes(), islandChunks(stages.get(i), devices.get(i).size(), false)
                + SPARE_CHUNKS, islandChunks(stages.get(i), devices.get(i).size(), true) + SPARE_CHUNKS));
        }
        return pools;
    }

    /** One pool per lane: a lane holds a chunk per stage at most, plus what a device takes for trailers. */
    static List<ChunkPool> lanePools(FlowSpec spec, int lanes) {
        final List<ChunkPool> pools = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            pools.add(new ChunkPool(spec.chunkBytes(), spec.stages().size() + SPARE_CHUNKS));
        }
        return pools;
    }

    /**
     * As {@link #lanePools(FlowSpec, int)}, each pool a kept one where {@code kept} has one of its shape: a lane
     * flow of a few MiB spent more allocating and zeroing its pools than moving some of its chunks.
     */
    static List<ChunkPool> lanePools(FlowSpec spec, int lanes, SmallFlowPools kept) {
        final List<ChunkPool> pools = new ArrayList<>(lanes);
        for (int i = 0; i < lanes; i++) {
            pools.add(kept.take(spec.chunkBytes(), spec.stages().size() + SPARE_CHUNKS));
        }
        return pools;
    }

    /**
     * What one island may hold: its reader, its stage, its writer, and each running replica's two boundaries
     * (with {@code all}, each compiled replica's: the most it may grow to).
     */
    private static int islandChunks(StageSpec stage, int compiledReplicas, boolean all) {
        final int running = all ? compiledReplicas : Math.min(compiledReplicas, Math.max(1, stage.replicas()));
        return CHUNKS_PER_STAGE + (compiledReplicas > 1 ? running * CHUNKS_PER_REPLICA : 0);
    }
}
