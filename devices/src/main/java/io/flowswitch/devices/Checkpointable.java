package io.flowswitch.devices;

/**
 * A stateful transform that reaches checkpoints in its stream: points after which its output depends only
 * on the input that follows and on a small {@link Checkpoint}, so that a fresh instance started there
 * ({@link #resumeAt}) and given the input chunks after {@link Checkpoint#inputSequence()} produces the same
 * output chunks, with the same sequence numbers, as the device that went on uninterrupted. A stage that
 * keeps input for replay needs to keep only what came after the last checkpoint whose output went
 * downstream.
 *
 * <p>Called from the thread that drives the device.
 */
public interface Checkpointable {
    /** How many checkpoints this instance reached (a resumed instance counts from 0); cheap, for polling. */
    long checkpointCount();

    /**
     * Copies the latest checkpoint this instance reached (or resumed at) into {@code into}.
     *
     * @return false when there is none: {@code into} is left as it was
     */
    boolean copyCheckpoint(Checkpoint into);

    /**
     * Makes a fresh instance, given no input yet, go on from {@code checkpoint}: its next input is the chunk
     * after {@link Checkpoint#inputSequence()} and its first output chunk has sequence
     * {@link Checkpoint#outputSequence()}.
     *
     * @throws DeviceException when the instance already took input, or cannot resume there
     */
    void resumeAt(Checkpoint checkpoint);
}
