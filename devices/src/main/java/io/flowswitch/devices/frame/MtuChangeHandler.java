package io.flowswitch.devices.frame;

/**
 * Decides what a framer does when the path MTU under it changes: the flow's rules for {@code mtu-change}
 * (re-frame at the new MTU, keep the old one, ask the application, end the flow). Called on the framer's
 * thread, before it frames the chunk the change applies to; it may block while it waits for an
 * application's answer (framers run on the device dispatcher). Implementations are thread-safe.
 */
@FunctionalInterface
public interface MtuChangeHandler {
    /**
     * @return the MTU to frame {@code change.chunk()} and every later record at: {@code change.newMtuBytes()}
     *         to re-frame, {@code change.oldMtuBytes()} to keep framing as before
     * @throws io.flowswitch.devices.DeviceException to end the flow; its message names the stage and the new MTU
     */
    int decide(MtuChange change);
}
