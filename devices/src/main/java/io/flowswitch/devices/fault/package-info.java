/**
 * Fault injection: a wrapper that can be put around any device to make it fail the way real devices do
 * (transient errors, permanent failure, a crash, corrupted output, a stall, a slow-down; for sinks a peer
 * that resets the connection and a full disk), so that the exception ladder can be exercised and
 * measured. A fault is a stage parameter, {@code fault = "transient@3"}; see {@link
 * io.flowswitch.devices.fault.Fault}.
 */
package io.flowswitch.devices.fault;
