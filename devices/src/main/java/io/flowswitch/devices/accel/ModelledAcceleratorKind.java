package io.flowswitch.devices.accel;

import io.flowswitch.devices.DeviceKind;

/**
 * A kind whose instances model an accelerator's speed by delaying each chunk: they park their stage's
 * thread, so they are {@link #blocking()}, and each chunk's delay and result depend on that chunk alone, so
 * they are {@link #laneSafe()} (each lane models its own accelerator, or its own share of a shared one).
 */
interface ModelledAcceleratorKind extends DeviceKind {
    /** Each chunk is delayed and passed on (or encrypted) on its own: lanes can each run an instance. */
    @Override
    default boolean laneSafe() {
        return true;
    }

    /** The modelled delay parks the stage's thread. */
    @Override
    default boolean blocking() {
        return true;
    }
}
