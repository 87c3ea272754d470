package io.flowswitch.devices.fault;

import io.flowswitch.devices.Checkpoint;
import io.flowswitch.devices.Checkpointable;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.ForwardingTransform;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.frame.FrameDevice;
import io.flowswitch.devices.frame.MtuChange;

/**
 * A transform with a {@link Fault} injected: transient, permanent and crash faults fail {@link #accept} at
 * their chunk, {@code actor-crash} crashes the device actor of the instance it struck and keeps the
 * chunk (without a node it fails as {@code crash} does, with code {@code ACTOR_CRASHED}), {@code corrupt} flips one byte of that chunk's output, {@code stall} keeps the chunk and
 * never hands anything out again, {@code slow} delays each chunk, {@code mtu-change} asks the flow's rules
 * (through {@link FaultState#onMtuChange}) before its chunk and sets the framer's MTU to their answer, or
 * fails with code {@code MTU_CHANGED}. Ownership is the wrapped device's, plus
 * a stalled chunk, which {@link #close} releases. Checkpoints are the wrapped device's (none when it is not
 * {@link Checkpointable}). A fault that does not clear strikes a chain's single instance ({@code primary}),
 * or in lanes and in a balanced stage the lane or replica that first meets its chunk ({@link
 * FaultState#strikesInstance}). One thread at a time.
 */
final class FaultyTransform extends ForwardingTransform implements Checkpointable {
    private final FaultState state;
    private final boolean primary;
    /** In a flow that runs as lanes, this instance's lane; in a balanced stage, its replica; -1 otherwise. */
    private final int instance;
    /** Whether {@code instance} is a lane. */
    private final boolean lane;
    /** Which instance the messages name: empty for a chain's single instance, else e.g. {@code , replica 1}. */
    private final String which;
    private final String stage;
    private Chunk stalled;
    /** Whether this instance met the path's MTU change already. */
    private boolean mtuChanged;

    FaultyTransform(TransformDevice device, FaultState state, boolean primary, int instance, boolean lane,
        String stage) {
        super(device);
        this.state = state;
        this.primary = primary;
        this.instance = instance;
        this.lane = lane;
        this.which = instance < 0 ? "" : (lane ? ", lane " : ", replica ") + instance;
        this.stage = stage;
    }

    @Override
    public boolean needsInput() {
        return stalled == null && device.needsInput();
    }

    @Override
    public void accept(Chunk input) {
        final long sequence = input.header().sequence();
        final boolean struck = instance < 0 ? primary : state.strikesInstance(instance, sequence);
        if (state.fault().type() == Fault.Type.ACTOR_CRASH && struck && sequence >= state.fault().atChunk()) {
            // A balanced replica's device actor is its own, and the supervisor knows it by the replica's index.
            // Lanes keep replica 0's: every lane's ladder stage counts itself as replica 0 of the stage (see
            // LadderStage.replicaOf), so when that actor dies all of them fail over, the struck lane with them.
            if (state.crashActor(lane ? 0 : Math.max(instance, 0))) {
                // The instance's control died with this chunk in it: nothing comes out until the flow's
                // supervisor sees the actor die and the stage climbs its ladder.
                stalled = input;
                return;
            }
            input.release();
            throw new DeviceException("ACTOR_CRASHED", stage + ": the device actor of the "
                + (instance < 0 ? "stage's first instance" : "struck " + (lane ? "lane" : "replica"))
                + " crashed at chunk " + state.fault().atChunk() + "; the instance cannot serve chunk " + sequence
                + " (injected fault" + which + ")");
        }
        try {
            FaultInjection.failOrDelay(state, struck, stage, which, sequence);
        } catch (RuntimeException e) {
            input.release();
            throw e;
        }
        if (state.fault().type() == Fault.Type.MTU_CHANGE && !mtuChanged && sequence >= state.fault().atChunk()) {
            mtuChanged = true;
            try {
                changeMtu(sequence);
            } catch (RuntimeException e) {
                input.release();
                throw e;
            }
        }
        if (state.fault().type() == Fault.Type.STALL && sequence == state.fault().atChunk() && state.fire()) {
            stalled = input;
            return;
        }
        device.accept(input);
    }

    /** The path MTU drops before chunk {@code sequence}: the framer goes on at what the rules decide. */
    private void changeMtu(long sequence) {
        final int newMtu = state.fault().mtuBytes();
        if (!(device instanceof FrameDevice frame)) {
            throw new DeviceException(MtuChange.CODE, stage + ": the path MTU dropped to " + newMtu + " bytes at chunk "
                + sequence + ", and this device frames no records (injected fault)");
        }
        final long record = Long.parseLong(frame.results().get("records"));
        final MtuChange change = new MtuChange(stage, sequence, record, frame.mtuBytes(), newMtu, frame.headerBytes(),
            new DeviceException(MtuChange.CODE, stage + ": the path MTU dropped to " + newMtu + " bytes at chunk "
                + sequence + " (record " + record + "; records were framed at " + (frame.mtuBytes() == 0 ? "no limit"
                : "up to " + frame.mtuBytes() + " bytes") + ") (injected fault)"));
        frame.mtuBytes(state.mtuAfterChange(change));
    }

    @Override
    public void endOfInput() {
        if ((instance < 0 ? primary : state.struckInstance(instance)) && state.crashed()
            && state.fault().type() != Fault.Type.ACTOR_CRASH) {
            FaultInjection.failOrDelay(state, true, stage, which, -1);
        }
        device.endOfInput();
    }

    @Override
    public Chunk poll(ChunkPool pool) {
        if (stalled != null) {
            return null;
        }
        final Chunk out = device.poll(pool);
        if (out != null && state.fault().type() == Fault.Type.CORRUPT && out.payloadLength() > 0
            && out.header().sequence() == state.fault().atChunk() && state.fire()) {
            out.array()[out.payloadOffset() + out.payloadLength() / 2] ^= 0x40;
        }
        return out;
    }

    @Override
    public boolean isFinished() {
        return stalled == null && device.isFinished();
    }

    @Override
    public long checkpointCount() {
        return device instanceof Checkpointable checkpointable ? checkpointable.checkpointCount() : 0;
    }

    @Override
    public boolean copyCheckpoint(Checkpoint into) {
        return device instanceof Checkpointable checkpointable && checkpointable.copyCheckpoint(into);
    }

    @Override
    public void resumeAt(Checkpoint checkpoint) {
        if (!(device instanceof Checkpointable checkpointable)) {
            throw new DeviceException("NO_CHECKPOINT", stage + ": the device cannot resume at a " + checkpoint);
        }
        checkpointable.resumeAt(checkpoint);
    }

    @Override
    public void close() {
        if (stalled != null) {
            stalled.release();
            stalled = null;
        }
        super.close();
    }
}
