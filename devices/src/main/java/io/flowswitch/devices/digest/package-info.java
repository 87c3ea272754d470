/**
 * Digest and checksum taps: transforms that pass every chunk through untouched (same chunk, same header,
 * same payload) and fold its payload into a whole-stream value, which they report through
 * {@link io.flowswitch.devices.Device#results()} at the end of input.
 *
 * <p>A tap sees the whole byte stream of its flow in order, so it is stateful: one instance per flow,
 * never replicated across chunks. {@link io.flowswitch.devices.digest.DigestReference} is the software
 * path for the same values.
 */
package io.flowswitch.devices.digest;
