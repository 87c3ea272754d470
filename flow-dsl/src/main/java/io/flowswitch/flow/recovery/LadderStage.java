package io.flowswitch.flow.recovery;

import io.flowswitch.devices.Checkpoint;
import io.flowswitch.devices.Checkpointable;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.stage.ChunkFlowStage;
import io.flowswitch.devices.stage.StageCounters;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.ladder.Decision;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.ladder.Notification;
import io.flowswitch.flow.ladder.Receipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * A transform stage that climbs its {@link Ladder} when its device fails, without losing, duplicating or
 * reordering a byte. It drives the device as {@code TransformStage} does, and besides:
 *
 * <ul>
 *   <li>keeps a copy of every chunk it gives the device in a {@link ReplayBuffer} (pooled, bounded) until
 *       the device's output for it has gone downstream; for a stateful device, the stream from its start,
 *       or for a {@link Checkpointable} one from its last checkpoint whose output went downstream (a new
 *       device is then resumed there and given only the chunks after it);
 *   <li>counts a device error, and a device that holds chunks without progress for the ladder's stall
 *       timeout, as a failure; closes the device, takes the next step (a fresh device after a back-off,
 *       another instance, another kind, the software path, the application's decision, or the end), and
 *       gives the new device the buffered chunks again;
 *   <li>releases output in sequence order and drops any output whose sequence number already went
 *       downstream (what a re-issue produces again).
 * </ul>
 *
 * On the path without faults its only cost is one copy per chunk into the replay buffer (none with
 * {@link Ladder#NONE}). Every chunk that passes is owned as in {@code TransformStage}; the replay buffer's
 * chunks are the stage's own and go back to their pool when the stage stops.
 */
public final class LadderStage extends ChunkFlowStage {
    private static final String STALL_TIMER = "stall";
    private static final String RESTART_TIMER = "restart";
    private static final String NOTIFY_TIMER = "notify";

    private final StageRecovery recovery;
    private final TransformDevice initial;
    private final ChunkPool pool;
    private final ChunkPool replayPool;

    /**
     * @param initial    the device the flow was set up with (instance 0); the stage owns and closes it
     * @param pool       the island's pool: outputs and re-issued chunks come from it
     * @param replayPool the replay buffer's own pool ({@link StageRecovery#newReplayPool()})
     */
    public LadderStage(StageRecovery recovery, TransformDevice initial, ChunkPool pool, ChunkPool replayPool,
        StageCounters counters) {
        super(counters);
        this.recovery = recovery;
        this.initial = initial;
        this.pool = pool;
        this.replayPool = replayPool;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new Logic();
    }

    private final class Logic extends TimerGraphStageLogic {
        private final Ladder ladder = recovery.ladder();
        private final boolean replaying = !ladder.terminatesOnly();
        private final boolean fromStart = recovery.stateful();
        private final boolean identity = recovery.identity();
        private final ReplayBuffer replay = new ReplayBuffer(replayPool);
        /** The checkpoint a new device resumes at: the replay buffer holds only the chunks after it. */
        private final Checkpoint resumePoint = new Checkpoint();
        private final Checkpoint offered = new Checkpoint();
        /** How many of the current device's checkpoints were looked at. */
        private long checkpointsSeen;
        /** A replica or a lane sees only some of the stream: gaps in its sequence numbers are no loss. */
        private final boolean single = counters.stage().indexOf('#') < 0 && counters.stage().indexOf('@') < 0;
        private TransformDevice device = initial;
        private DevicePath path = DevicePath.instance(0);
        private Runnable poolWakeUp;
        private AsyncCallback<Answer> decided;
        private AsyncCallback<Spare> spared;
        private java.util.function.Consumer<StageRecovery.LostInstance> lostListener;
        /** Which replica of the stage this is: the one whose first instance it starts on. */
        private final int replica = replicaOf(counters.stage());
        /** The spare instance the stage runs on after a {@code redirect instance}; null before. */
        private String spareInstance;
        /** The device actor of the instance on {@code path} died: a retry there has nothing to run on. */
        private boolean pathLost;
        /** The token of the spare instance being leased; an answer with another is stale. */
        private int spareToken;
        private boolean pumping;
        /** A chunk that arrived while the device was being given the replay buffer again. */
        private Chunk pending;
        /** Index in the replay buffer of the next chunk to give a new device; == size when caught up. */
        private int feedCursor;
        private boolean upstreamEnded;
        private boolean endSent;
        /** Waiting for a back-off or a decision: the device is closed and nothing moves. */
        private boolean recovering;
        /** For a stateful device: the stream outgrew the replay buffer, so no new device can catch up. */
        private boolean replayLost;
        private boolean stallArmed;
        private long progressAtArm;
        private long progress;
        private long lastEmitted = -1;
        private long lastFed = -1;
        private long failedAt = -1;
        private int stepIndex;
        private int attempts;
        private int nextSlot = 1;
        private int notifyToken;
        private DevicePath restartPath;
        private Throwable lastCause;
        private final List<String> taken = new ArrayList<>();
        // Receipt: the open segment, closed when the path changes or the stage stops.
        private long segmentFirstSequence = -1;
        private long segmentLastSequence = -1;
        private long segmentFirstByte;
        private long bytesEmitted;
        private long reissued;
        private long duplicatesDropped;
        private long gaps;
        private long ignored;
        private int recoveries;
        private long maxStallNs;
        private long maxStallStartNs;
        private long lastEmitNs = System.nanoTime();
        /** When the output last moved before the failure being recovered from. */
        private long stallStartNs;

        Logic() {
            super(shape());
            setHandler(in, new AbstractInHandler() {
                @Override
                public void onPush() {
                    final Chunk chunk = grab(in);
                    counters.countIn(chunk.payloadLength());
                    if (recovering || feedCursor < replay.size() || !device.needsInput()) {
                        pending = chunk;
                    } else {
                        feed(chunk);
                    }
                    pump();
                }

                @Override
                public void onUpstreamFinish() {
                    upstreamEnded = true;
                    pump();
                }
            });
            setHandler(out, new AbstractOutHandler() {
                @Override
                public void onPull() {
                    pump();
                }
            });
        }

        @Override
        public void preStart() {
            final AsyncCallback<Boolean> retry = createAsyncCallback(ignored -> pump());
            poolWakeUp = () -> retry.invoke(Boolean.TRUE);
            decided = createAsyncCallback(this::onDecision);
            spared = createAsyncCallback(this::onSpare);
            final AsyncCallback<StageRecovery.LostInstance> lost = createAsyncCallback(this::onLost);
            lostListener = lost::invoke;
            recovery.onLost(lostListener);
        }

        /** A device actor of the stage died: if it is the instance this runs on, that is a failure. */
        private void onLost(StageRecovery.LostInstance lost) {
            final boolean mine = path.type() == DevicePath.Type.INSTANCE
                && (path.slot() == 0 ? lost.replica() == replica : lost.instance().equals(spareInstance));
            if (!mine || recovering || device == Closed.INSTANCE) {
                return;
            }
            pathLost = true;
            fail(new DeviceException("ACTOR_CRASHED", recovery.stage() + ": the device actor of " + lost.instance()
                + " died (" + lost.cause() + ")"));
            pump();
        }

        /** Gives a chunk from upstream to the device, keeping a copy first. */
        private void feed(Chunk chunk) {
            if (replaying && !replayLost && !replay.add(chunk)) {
                // A stateful stage's stream outgrew its buffer, or a device held more chunks than a stateless
                // stage's buffer takes: from here on a new device could not be given what it needs.
                replayLost = true;
                replay.clear();
            }
            feedCursor = replay.size();
            give(chunk);
        }

        private void give(Chunk chunk) {
            lastFed = chunk.header().sequence();
            final long startNs = System.nanoTime();
            try {
                device.accept(chunk);
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            counters.addBusyNs(System.nanoTime() - startNs);
            progress++;
        }

        private void pump() {
            if (pumping) {
                return; // a step taken inside the loop below: the loop goes on with the new device
            }
            pumping = true;
            try {
                pumpLoop();
            } finally {
                pumping = false;
            }
        }

        private void pumpLoop() {
            boolean releaseRaced = false;
            while (!recovering && !isClosed(out)) {
                if (isAvailable(out)) {
                    final long startNs = System.nanoTime();
                    final Chunk chunk;
                    try {
                        chunk = device.poll(pool);
                    } catch (RuntimeException e) {
                        fail(e);
                        continue;
                    }
                    counters.addBusyNs(System.nanoTime() - startNs);
                    if (chunk != null) {
                        emit(chunk);
                        if (fromStart && replaying && !replayLost && device instanceof Checkpointable checkpointable
                            && checkpointable.checkpointCount() != checkpointsSeen) {
                            adoptCheckpoint(checkpointable);
                        }
                        continue;
                    }
                    if (device.isFinished()) {
                        if (device != initial) {
                            recovery.finished(counters.stage(), device.results());
                        }
                        completeStage();
                        return;
                    }
                }
                if (device.needsInput()) {
                    if (feedCursor < replay.size()) {
                        final Chunk chunk = pool.acquire();
                        if (chunk == null) {
                            if (pool.awaitRelease(poolWakeUp)) {
                                continue;
                            }
                            return;
                        }
                        ReplayBuffer.copy(replay.get(feedCursor++), chunk);
                        reissued++;
                        give(chunk);
                        continue;
                    }
                    if (pending != null) {
                        final Chunk chunk = pending;
                        pending = null;
                        feed(chunk);
                        continue;
                    }
                    if (upstreamEnded) {
                        if (!endSent) {
                            endSent = true;
                            try {
                                device.endOfInput();
                            } catch (RuntimeException e) {
                                fail(e);
                            }
                            continue;
                        }
                        return;
                    }
                    if (!hasBeenPulled(in) && !isClosed(in)) {
                        pull(in);
                    }
                    return;
                }
                if (!isAvailable(out)) {
                    return;
                }
                // The device neither gives output nor takes input: it waits for the pool, or it is stuck.
                if (!pool.awaitRelease(poolWakeUp)) {
                    return;
                }
                if (!releaseRaced) {
                    releaseRaced = true;
                    continue;
                }
                armStallTimer();
                return;
            }
        }

        private void emit(Chunk chunk) {
            final long sequence = chunk.header().sequence();
            if (sequence <= lastEmitted) {
                // A re-issued chunk's output that already went downstream.
                duplicatesDropped++;
                chunk.release();
                return;
            }
            if (identity && replaying && !replayLost) {
                // A device that passes data on unchanged is checked against the copy of its input.
                final Chunk kept = replay.find(sequence);
                if (kept != null && !ReplayBuffer.samePayload(kept, chunk)) {
                    chunk.release();
                    fail(new DeviceException("CORRUPT", recovery.stage() + ": the output of chunk " + sequence
                        + " differs from its input, which this device passes on unchanged"));
                    return;
                }
            }
            if (lastEmitted >= 0 && sequence != lastEmitted + 1 && single) {
                gaps++;
            }
            lastEmitted = sequence;
            if (replaying && !fromStart) {
                feedCursor = Math.max(0, feedCursor - replay.acknowledge(sequence));
            }
            final long nowNs = System.nanoTime();
            if (failedAt >= 0 && (sequence >= failedAt || (resumePoint.isSet() && lastFed >= failedAt))) {
                // Past the chunk that failed: the next failure climbs the ladder from its first step again.
                // A device resumed at a checkpoint numbers its output apart from its input (a compressor):
                // it is past once it took the failed chunk and gave new output.
                failedAt = -1;
                stepIndex = 0;
                attempts = 0;
                recoveries++;
                if (nowNs - stallStartNs > maxStallNs) {
                    maxStallNs = nowNs - stallStartNs;
                    maxStallStartNs = stallStartNs;
                }
            }
            lastEmitNs = nowNs;
            if (segmentFirstSequence < 0) {
                segmentFirstSequence = sequence;
                segmentFirstByte = bytesEmitted;
            }
            segmentLastSequence = sequence;
            bytesEmitted += chunk.payloadLength();
            counters.countOut(chunk.payloadLength());
            progress++;
            stallArmed = false;
            push(out, chunk);
        }

        /**
         * The device reached a checkpoint. Once everything it produced before it went downstream, a new device
         * can start there: the chunks it covers leave the replay buffer, so the stream may outgrow it.
         */
        private void adoptCheckpoint(Checkpointable checkpointable) {
            if (!checkpointable.copyCheckpoint(offered) || offered.outputSequence() > lastEmitted + 1) {
                return; // output before it still to come: look again after the next chunk
            }
            checkpointsSeen = checkpointable.checkpointCount();
            if (offered.inputSequence() <= resumePoint.inputSequence()) {
                return;
            }
            resumePoint.copyFrom(offered);
            feedCursor = Math.max(0, feedCursor - replay.acknowledge(offered.inputSequence()));
        }

        private void armStallTimer() {
            if (!stallArmed) {
                stallArmed = true;
                progressAtArm = progress;
                scheduleOnce(STALL_TIMER, Duration.ofNanos(ladder.stallTimeoutNs()));
            }
        }

        @Override
        public void onTimer(Object key) {
            if (STALL_TIMER.equals(key)) {
                stallArmed = false;
                if (!recovering && progress == progressAtArm && !device.isFinished()) {
                    fail(new DeviceException("STALLED", recovery.stage() + ": the device made no progress for "
                        + ladder.stallTimeoutNs() / 1_000_000 + " ms after chunk " + lastFed));
                    pump();
                } else {
                    pump();
                }
            } else if (RESTART_TIMER.equals(key)) {
                restart(restartPath);
            } else if (key instanceof Integer token && token == awaiting) {
                awaiting = 0;
                apply(pendingDefault, "no answer within " + pendingTimeoutMs + " ms");
            }
        }

        // ---- the ladder -------------------------------------------------------------------------------

        private void fail(Throwable cause) {
            lastCause = cause;
            final long at = lastFed;
            closeDevice();
            if (failedAt < 0) {
                failedAt = at;
                stallStartNs = lastEmitNs;
            }
            climb(cause, at);
        }

        private void closeDevice() {
            closeSegment();
            device.close();
            device = Closed.INSTANCE;
            stallArmed = false;
            cancelTimer(STALL_TIMER);
        }

        /** Takes the next step of the ladder that can run for this failure. */
        private void climb(Throwable cause, long at) {
            final List<Ladder.Step> steps = ladder.steps();
            while (stepIndex < steps.size()) {
                final Ladder.Step step = steps.get(stepIndex);
                final boolean canReplay = replaying && !replayLost;
                if (step instanceof Ladder.Retry retry && canReplay && !pathLost) {
                    if (attempts < retry.times()) {
                        attempts++;
                        record(step, "retry " + attempts + "/" + retry.times() + " on " + path.label(), cause, at);
                        restartPath = path;
                        recovering = true;
                        scheduleOnce(RESTART_TIMER, Duration.ofNanos(Math.max(retry.backoffNs(), 1)));
                        return;
                    }
                } else if (step instanceof Ladder.IgnoreTransient && canReplay && !fromStart) {
                    stepIndex++;
                    if (replay.remove(at)) {
                        ignored++;
                        feedCursor = Math.min(feedCursor, replay.size());
                    }
                    record(step, "ignore chunk " + at, cause, at);
                    restart(path);
                    return;
                } else if (step instanceof Ladder.RedirectInstance && canReplay) {
                    stepIndex++;
                    // The node's ledger leases the instance first: a redirect never takes one another flow holds.
                    final DevicePath target = DevicePath.instance(nextSlot++);
                    final int token = ++spareToken;
                    recovering = true;
                    recovery.leaseSpare().whenComplete((name, error) -> spared.invoke(new Spare(token, target, name,
                        error)));
                    return;
                } else if (step instanceof Ladder.RedirectKind kind && canReplay) {
                    stepIndex++;
                    final DevicePath target = DevicePath.kind(kind.kind());
                    record(step, "redirect to " + target.label(), cause, at);
                    restart(target);
                    return;
                } else if (step instanceof Ladder.Notify notify) {
                    stepIndex++;
                    record(step, "notify the application", cause, at);
                    if (notify.handler() != null) {
                        ask(notify, cause, at, canReplay);
                        return;
                    }
                    if (notify.defaultDecision() != Decision.CONTINUE) {
                        apply(notify.defaultDecision(), "no handler");
                        return;
                    }
                } else if (step instanceof Ladder.FallbackSoftware && canReplay) {
                    stepIndex++;
                    record(step, "fall back to the software path", cause, at);
                    restart(DevicePath.software());
                    return;
                } else if (step instanceof Ladder.Terminate) {
                    terminate(cause, at);
                    return;
                }
                stepIndex++;
                attempts = 0;
            }
            terminate(cause, at);
        }

        private Decision pendingDefault = Decision.CONTINUE;
        /** The token of the notification waiting for an answer; 0 when none. */
        private int awaiting;
        private long pendingTimeoutMs;

        private void ask(Ladder.Notify notify, Throwable cause, long at, boolean canReplay) {
            final List<Decision> options = canReplay
                ? List.of(Decision.CONTINUE, Decision.RETRY, Decision.FALLBACK_SOFTWARE, Decision.TERMINATE)
                : List.of(Decision.CONTINUE, Decision.TERMINATE);
            final Notification notification = new Notification(recovery.flowId(), recovery.stage(), code(cause),
                cause.getMessage(), at, path.label(), options);
            recovering = true;
            pendingDefault = notify.defaultDecision();
            pendingTimeoutMs = notify.timeoutNs() / 1_000_000;
            final int token = ++notifyToken;
            awaiting = token;
            scheduleOnce(token, Duration.ofNanos(notify.timeoutNs()));
            final CompletionStage<Decision> answer;
            try {
                answer = notify.handler().decide(notification);
            } catch (RuntimeException e) {
                awaiting = 0;
                cancelTimer(token);
                apply(pendingDefault, "the handler threw " + e);
                return;
            }
            answer.whenComplete((decision, error) -> decided.invoke(new Answer(token,
                error != null || decision == null || !options.contains(decision) ? null : decision)));
        }

        /** The ledger's answer to a {@code redirect instance}: run there, or go on down the ladder. */
        private void onSpare(Spare spare) {
            if (spare.token() != spareToken || !recovering) {
                return;
            }
            if (spare.error() != null) {
                Throwable why = spare.error();
                while ((why instanceof java.util.concurrent.CompletionException
                    || why instanceof java.util.concurrent.ExecutionException) && why.getCause() != null) {
                    why = why.getCause();
                }
                recovering = false;
                record(2, "redirect instance refused: " + (why.getMessage() != null ? why.getMessage()
                    : why.getClass().getSimpleName()), lastCause, failedAt);
                climb(lastCause, failedAt);
                pump();
                return;
            }
            record(2, "redirect to " + spare.target().label() + " (" + spare.instance() + ")", lastCause, failedAt);
            spareInstance = spare.instance();
            restart(spare.target());
        }

        private void onDecision(Answer answer) {
            if (answer.token() != awaiting) {
                return; // too late: the default was taken
            }
            awaiting = 0;
            cancelTimer(answer.token());
            apply(answer.decision() == null ? pendingDefault : answer.decision(),
                answer.decision() == null ? "no usable answer" : "the application");
        }

        private void apply(Decision decision, String by) {
            recovering = false;
            record(3, "decision " + decision.name().toLowerCase(java.util.Locale.ROOT) + " (" + by + ")", lastCause,
                failedAt);
            switch (decision) {
                case CONTINUE -> climb(lastCause, failedAt);
                case RETRY -> restart(path);
                case FALLBACK_SOFTWARE -> restart(DevicePath.software());
                case TERMINATE -> terminate(lastCause, failedAt);
            }
            pump();
        }

        private void restart(DevicePath target) {
            recovering = false;
            try {
                device = recovery.create(target, replica);
                if (resumePoint.isSet()) {
                    resume(device, target);
                }
            } catch (RuntimeException e) {
                if (device != Closed.INSTANCE) {
                    device.close();
                }
                device = Closed.INSTANCE;
                path = target;
                fail(e);
                return;
            }
            checkpointsSeen = 0;
            pathLost = pathLost && target.equals(path);
            path = target;
            feedCursor = 0;
            endSent = false;
            pump();
        }

        /** Starts a new device at the checkpoint: the chunks before it are no longer kept. */
        private void resume(TransformDevice fresh, DevicePath target) {
            if (!(fresh instanceof Checkpointable checkpointable)) {
                throw new DeviceException("NO_CHECKPOINT", recovery.stage() + ": " + target.label()
                    + " cannot resume the stream at its " + resumePoint + ", and the chunks before it are no longer"
                    + " kept");
            }
            checkpointable.resumeAt(resumePoint);
        }

        private void terminate(Throwable cause, long at) {
            record(5, "terminate", cause, at);
            final String trail = taken.isEmpty() ? "" : " (after " + String.join(", ", taken) + ")";
            final String message = cause.getMessage() != null && cause.getMessage().startsWith(recovery.stage())
                ? cause.getMessage() : recovery.stage() + ": " + cause.getMessage();
            recovering = true;
            failStage(new FlowException(code(cause), message + "; the exception ladder ended the flow" + trail,
                cause));
        }

        private void record(Ladder.Step step, String action, Throwable cause, long at) {
            record(step.step(), action, cause, at);
        }

        private void record(int step, String action, Throwable cause, long at) {
            if (step != 5) {
                taken.add(action);
            }
            recovery.recorder().step(new Receipt.StepTaken(System.currentTimeMillis(), System.nanoTime(), counters.stage(), step,
                action, code(cause), cause == null ? "" : String.valueOf(cause.getMessage()), at, path.label()));
        }

        private void closeSegment() {
            if (segmentFirstSequence >= 0) {
                recovery.recorder().segment(new Receipt.Segment(counters.stage(), path.label(), segmentFirstSequence,
                    segmentLastSequence, segmentFirstByte, bytesEmitted - segmentFirstByte));
                segmentFirstSequence = -1;
            }
        }

        @Override
        public void postStop() {
            if (lostListener != null) {
                recovery.removeOnLost(lostListener);
            }
            closeSegment();
            device.close();
            if (device != initial) {
                initial.close();
            }
            replay.clear();
            if (pending != null) {
                pending.release();
                pending = null;
            }
            recovery.recorder().audit(new Receipt.Audit(counters.stage(), reissued, duplicatesDropped, gaps, ignored,
                recoveries, maxStallNs, maxStallStartNs));
        }
    }

    /** The application's answer to the notification {@code token}; {@code decision} null when unusable. */
    private record Spare(int token, DevicePath target, String instance, Throwable error) {
    }

    private record Answer(int token, Decision decision) {
    }

    /** The replica in a stage instance's name ({@code 2:sha256#1} is replica 1); lanes and single stages: 0. */
    static int replicaOf(String stageInstance) {
        final int hash = stageInstance.lastIndexOf('#');
        if (hash < 0) {
            return 0;
        }
        int end = hash + 1;
        while (end < stageInstance.length() && Character.isDigit(stageInstance.charAt(end))) {
            end++;
        }
        return end == hash + 1 ? 0 : Integer.parseInt(stageInstance.substring(hash + 1, end));
    }

    private static String code(Throwable cause) {
        if (cause instanceof DeviceException device) {
            return device.code();
        }
        if (cause instanceof FlowException flow) {
            return flow.code();
        }
        return "DEVICE_FAILED";
    }

    /** Stands in for a device that was closed: takes nothing, gives nothing, is never finished. */
    private static final class Closed implements TransformDevice {
        static final Closed INSTANCE = new Closed();

        @Override
        public boolean needsInput() {
            return false;
        }

        @Override
        public void accept(Chunk input) {
            input.release();
            throw new IllegalStateException("the device was closed");
        }

        @Override
        public void endOfInput() {
        }

        @Override
        public Chunk poll(ChunkPool pool) {
            return null;
        }

        @Override
        public boolean isFinished() {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
