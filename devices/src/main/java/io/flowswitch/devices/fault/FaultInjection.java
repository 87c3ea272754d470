package io.flowswitch.devices.fault;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.TransformDevice;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Puts a {@link Fault} around any device: the wrapper behaves exactly as the device until the fault fires.
 * Faults that clear ({@link Fault.Type#clears()}) fire on whichever instance of the stage meets them;
 * the others only on the stage's first instance ({@code primary}), and on every restart of it, so that
 * only another instance, another kind or the software path gets past them. A stage whose chunks are spread
 * over several instances (lanes, balanced replicas) has no first instance in the stream: there the struck
 * instance is the one that first meets a chunk at or past the fault's ({@link #wrapLane}, {@link
 * #wrapReplica}). Stateless.
 */
public final class FaultInjection {
    private static final Set<Fault.Type> SOURCE_FAULTS =
        EnumSet.of(Fault.Type.TRANSIENT, Fault.Type.PERMANENT, Fault.Type.CRASH, Fault.Type.SLOW);
    private static final Set<Fault.Type> TRANSFORM_FAULTS = EnumSet.of(Fault.Type.TRANSIENT, Fault.Type.PERMANENT,
        Fault.Type.CRASH, Fault.Type.ACTOR_CRASH, Fault.Type.CORRUPT, Fault.Type.STALL, Fault.Type.SLOW, Fault.Type.MTU_CHANGE);
    private static final Set<Fault.Type> SINK_FAULTS = EnumSet.of(Fault.Type.TRANSIENT, Fault.Type.PERMANENT,
        Fault.Type.CRASH, Fault.Type.SLOW, Fault.Type.PEER_RESET, Fault.Type.SINK_FULL);

    private FaultInjection() {
    }

    /** The fault types a device of {@code role} can be given. */
    public static Set<Fault.Type> allowed(DeviceRole role) {
        return switch (role) {
            case SOURCE -> SOURCE_FAULTS;
            case TRANSFORM -> TRANSFORM_FAULTS;
            case SINK -> SINK_FAULTS;
        };
    }

    /**
     * Checks that a device of {@code role} can be given {@code fault}.
     *
     * @throws DeviceException {@code BAD_PARAMETER} naming the stage and the faults it could take
     */
    public static void check(Fault fault, DeviceRole role, String stage) {
        if (!allowed(role).contains(fault.type())) {
            throw new DeviceException("BAD_PARAMETER", stage + ": parameter '" + Fault.PARAMETER + "' value '"
                + fault.text() + "' cannot be injected into a " + role.name().toLowerCase(java.util.Locale.ROOT)
                + "; it takes " + String.join(", ", allowed(role).stream().map(Fault.Type::text).toList()));
        }
    }

    /**
     * Checks that a device of {@code kind} can be given {@code fault}: as {@link #check(Fault, DeviceRole, String)},
     * and {@code mtu-change} only on a framer (a kind with the function {@code frame}), the one device that
     * has an MTU.
     *
     * @throws DeviceException {@code BAD_PARAMETER} naming the stage and what it could take
     */
    public static void check(Fault fault, DeviceKind kind, String stage) {
        check(fault, kind.role(), stage);
        if (fault.type() == Fault.Type.MTU_CHANGE && !kind.capabilities().getFunctionsList().contains("frame")) {
            throw new DeviceException("BAD_PARAMETER", stage + ": parameter '" + Fault.PARAMETER + "' value '"
                + fault.text() + "' needs a framer, the one device with an MTU; '" + kind.name()
                + "' has none (put it on the stage of a header program, kind frame)");
        }
    }

    /**
     * Wraps {@code device} (of the interface its role implies); the wrapper owns it and closes it.
     *
     * @param primary whether this is the stage's first instance (or a restart of it)
     */
    public static Device wrap(Device device, FaultState state, boolean primary, String stage) {
        if (device instanceof TransformDevice transform) {
            return new FaultyTransform(transform, state, primary, -1, false, stage);
        }
        if (device instanceof SourceDevice source) {
            return new FaultySource(source, state, primary, -1, stage);
        }
        if (device instanceof SinkDevice sink) {
            return new FaultySink(sink, state, primary, stage);
        }
        throw new IllegalArgumentException(stage + ": cannot inject a fault into " + device.getClass().getSimpleName());
    }

    /**
     * As {@link #wrap}, for the transform of lane {@code lane} in a flow that runs as lanes: no lane is the
     * first instance, so a fault that strikes the first instance strikes the lane that first meets a chunk
     * at or past the fault's chunk (a restart of it is then wrapped as the first instance, by {@link #wrap}).
     */
    public static Device wrapLane(TransformDevice device, FaultState state, int lane, String stage) {
        return new FaultyTransform(device, state, false, lane, true, stage);
    }

    /**
     * As {@link #wrap}, for replica {@code replica} of a balanced stage (two replicas or more), and for a
     * restart of it on its own first instance: the balance hands each chunk to whichever replica asks first,
     * so no replica is the first instance, and a fault that strikes the first instance strikes the replica
     * that first meets a chunk at or past the fault's chunk, and stays on it, as in lanes ({@link
     * FaultState#strikesInstance}). A restart of the struck replica finds the fault still there (a crash still
     * crashed); the other replicas, restarted or not, never meet it. An {@code actor-crash} crashes the struck
     * replica's device actor.
     */
    public static Device wrapReplica(TransformDevice device, FaultState state, int replica, String stage) {
        if (replica < 0) {
            throw new IllegalArgumentException(stage + ": a replica's index is >= 0, got " + replica);
        }
        return new FaultyTransform(device, state, false, replica, false, stage);
    }

    /**
     * As {@link #wrap}, for the source of lane {@code lane} in a flow that runs as lanes: a fault that strikes
     * the first instance strikes the lane that reads the fault's chunk, as a chain's source meets it there
     * (sources have no ladder: the flow ends).
     */
    public static Device wrapLane(SourceDevice device, FaultState state, int lane, String stage) {
        return new FaultySource(device, state, false, lane, stage);
    }

    /**
     * Throws the error the fault makes at chunk {@code sequence}, if it fires there, for the faults every
     * role shares (transient, permanent, crash) and waits for {@code slow}.
     */
    static void failOrDelay(FaultState state, boolean primary, String stage, long sequence) {
        failOrDelay(state, primary, stage, "", sequence);
    }

    /**
     * As {@link #failOrDelay(FaultState, boolean, String, long)}, naming the instance struck in the message
     * ({@code which}: e.g. {@code ", replica 1"}; empty for a chain's single instance).
     */
    static void failOrDelay(FaultState state, boolean primary, String stage, String which, long sequence) {
        final Fault fault = state.fault();
        if (primary && state.crashed()) {
            throw new DeviceException("CRASHED", stage + ": the device crashed at chunk " + fault.atChunk()
                + " and cannot serve chunk " + sequence + " (injected fault" + which + ")");
        }
        switch (fault.type()) {
            case TRANSIENT -> {
                if (sequence == fault.atChunk() && state.fire()) {
                    throw new DeviceException("TRANSIENT", stage + ": transient error at chunk " + sequence
                        + " (injected fault" + which + ")");
                }
            }
            case PERMANENT -> {
                if (primary && sequence >= fault.atChunk()) {
                    state.count();
                    throw new DeviceException("DEVICE_FAILED", stage + ": the device failed at chunk " + sequence
                        + " and keeps failing (injected fault" + which + ")");
                }
            }
            case CRASH -> {
                if (primary && sequence >= fault.atChunk()) {
                    state.crash();
                    throw new DeviceException("CRASHED", stage + ": the device crashed at chunk " + sequence
                        + " (injected fault" + which + ")");
                }
            }
            case SLOW -> {
                if (primary && sequence >= fault.atChunk()) {
                    LockSupport.parkNanos(fault.durationNs());
                }
            }
            default -> {
            }
        }
    }
}
