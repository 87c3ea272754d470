package io.flowswitch.devices.frame;

import io.flowswitch.devices.DeviceException;

/**
 * The path MTU under a framer changed at a chunk: what the flow's rules for {@code mtu-change} are asked
 * about. Immutable.
 *
 * @param stage       the framer's stage, as messages name it
 * @param chunk       the sequence number of the first chunk the new MTU applies to
 * @param record      the number of the first record the new MTU applies to
 * @param oldMtuBytes the MTU records were framed at until then (0: no limit)
 * @param newMtuBytes the path's MTU from {@code chunk} on
 * @param headerBytes the header each record carries
 * @param event       the event as an error (code {@code MTU_CHANGED}): its message names stage, chunk and MTU
 */
public record MtuChange(String stage, long chunk, long record, int oldMtuBytes, int newMtuBytes, int headerBytes,
    DeviceException event) {
    /** The device code of the event. */
    public static final String CODE = "MTU_CHANGED";

    /** Whether records of the new MTU can carry a payload byte after the header: re-framing can run. */
    public boolean reframable() {
        return newMtuBytes > headerBytes;
    }

    /** The old MTU as a sentence names it. */
    public String oldMtuText() {
        return oldMtuBytes == 0 ? "no limit" : oldMtuBytes + " bytes";
    }
}
