/**
 * Header programs and the devices they are injected into: a {@code frame} device computes a small record
 * header for every chunk and writes it into the chunk's headroom, in front of the payload; a
 * {@code deframe} device finds the records again in a byte stream, checks every header field and hands
 * out the payloads.
 *
 * <p>A program reaches the devices in a lowered, postfix form (see {@link
 * io.flowswitch.devices.frame.HeaderProgram}), which each device compiles once per flow.
 */
package io.flowswitch.devices.frame;
