package io.flowswitch.flow.recovery;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.SoftwarePaths;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.fault.FaultInjection;
import io.flowswitch.devices.fault.FaultState;
import io.flowswitch.flow.ladder.Ladder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What a transform stage needs to climb its ladder: its kind, parameters and flow context (so that a new
 * device is configured exactly as the failed one: same key, same salt, hence identical output), the
 * catalog (for {@code redirect kind}), the ladder, the injected fault if any, and where the receipt goes.
 * Immutable and thread-safe; devices it creates belong to the caller.
 */
public final class StageRecovery {
    private static final int STATELESS_REPLAY_CHUNKS = 8;

    private final String stage;
    private final DeviceKind kind;
    private final DeviceParams params;
    private final FlowContext context;
    private final DeviceCatalog catalog;
    private final Ladder ladder;
    private final FaultState fault;
    private final ReceiptRecorder recorder;
    private final int index;
    private final SpareInstances spares;
    /** Whether the stage's replicas share a balance: a fault strikes the replica that first meets its chunk. */
    private final boolean balanced;
    private final Map<String, Map<String, String>> finishedResults = new ConcurrentHashMap<>();
    /** The stage's running instances (replicas, lanes), told when a device actor they may run on died. */
    private final List<Consumer<LostInstance>> lostListeners = new CopyOnWriteArrayList<>();

    /**
     * A device actor the stage leased died.
     *
     * @param replica  the replica whose first instance it was, or -1 for a spare a redirect leased
     * @param instance the instance, e.g. {@code gzip#1}
     * @param cause    why, as the flow's supervisor saw it
     */
    public record LostInstance(int replica, String instance, String cause) {
    }

    /**
     * @param stage  the stage as messages name it, e.g. {@code stage 2 (aes-gcm-encrypt)}
     * @param fault  the fault injected into the stage's own kind, or {@code null}
     * @param index  the stage's index in the flow (0-based), as the node's lease ledger knows it
     * @param spares where {@code redirect instance} leases another instance
     * @param balanced whether the stage runs as two or more replicas behind a balance (not lanes)
     */
    public StageRecovery(String stage, DeviceKind kind, DeviceParams params, FlowContext context,
        DeviceCatalog catalog, Ladder ladder, FaultState fault, ReceiptRecorder recorder, int index,
        SpareInstances spares, boolean balanced) {
        this.stage = stage;
        this.kind = kind;
        this.params = params;
        this.context = context;
        this.catalog = catalog;
        this.ladder = ladder;
        this.fault = fault;
        this.recorder = recorder;
        this.index = index;
        this.spares = spares;
        this.balanced = balanced;
    }

    /**
     * Leases another instance of the stage's kind for {@code redirect instance}: completes with its name,
     * or fails saying why none is free. Never throws.
     */
    CompletionStage<String> leaseSpare() {
        try {
            return spares.lease(context.flowId(), index, kind.name());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public String stage() {
        return stage;
    }

    public Ladder ladder() {
        return ladder;
    }

    public long flowId() {
        return context.flowId();
    }

    ReceiptRecorder recorder() {
        return recorder;
    }

    /**
     * Whether the device keeps state across chunks (a compressor, a digest, a decryptor): then a new device
     * must see the stream from its start, and its first outputs are duplicates to drop.
     */
    boolean stateful() {
        return kind.capabilities().getStateful();
    }

    /**
     * The results of the device that finished stage instance {@code instance} (e.g. {@code 2:sha256}): after
     * a recovery that is not the device the flow was set up with. {@code initial} when no other finished.
     */
    public Map<String, String> results(String instance, Map<String, String> initial) {
        return finishedResults.getOrDefault(instance, initial);
    }

    /**
     * Tells the stage's running instances that the device actor of {@code lost} died; each one running on it
     * fails over as its ladder says. Any thread.
     */
    public void deviceLost(LostInstance lost) {
        for (Consumer<LostInstance> listener : lostListeners) {
            listener.accept(lost);
        }
    }

    void onLost(Consumer<LostInstance> listener) {
        lostListeners.add(listener);
    }

    void removeOnLost(Consumer<LostInstance> listener) {
        lostListeners.remove(listener);
    }

    void finished(String instance, Map<String, String> results) {
        finishedResults.put(instance, Map.copyOf(results));
    }

    /** Whether the device passes every byte on unchanged (a tap, a modelled accelerator): its output is checkable. */
    boolean identity() {
        return SoftwarePaths.identity(kind);
    }

    /** A pool for one replay buffer; allocated once, when the flow is set up. */
    public ChunkPool newReplayPool() {
        // A stateless device holds a chunk or two in flight; a stateful one needs the stream from its start.
        return new ChunkPool(context.chunkBytes(), stateful() ? ladder.replayChunks()
            : Math.min(ladder.replayChunks(), STATELESS_REPLAY_CHUNKS));
    }

    /**
     * A new device on {@code path} for replica {@code replica}; the stage's own kind gets the injected fault
     * ({@code slot} 0 is the instance the replica started on, which faults that do not clear stay with: in a
     * balanced stage only if they struck this replica; a spare, {@code slot} 1 on, never meets them).
     *
     * @throws DeviceException when it cannot be created
     */
    public TransformDevice create(DevicePath path, int replica) {
        return switch (path.type()) {
            case INSTANCE -> {
                final TransformDevice device = (TransformDevice) kind.create(params, context);
                if (fault == null) {
                    yield device;
                }
                // The FaultState is shared: a restarted replica finds what the fault did to it (a crash still
                // crashed), and a replica the fault did not strike does not become its target by restarting.
                yield (TransformDevice) (balanced && path.slot() == 0
                    ? FaultInjection.wrapReplica(device, fault, replica, stage)
                    : FaultInjection.wrap(device, fault, path.slot() == 0, stage));
            }
            case KIND -> {
                final DeviceKind target = catalog.find(path.kind()).orElseThrow(() -> new DeviceException(
                    "NO_DEVICE", stage + ": cannot redirect to unknown device kind '" + path.kind() + "'"));
                yield (TransformDevice) target.create(params, context);
            }
            case SOFTWARE -> SoftwarePaths.create(kind, params, context);
        };
    }
}
