/**
 * gzip (RFC 1952) compression and decompression as transform devices, and their software path
 * {@link io.flowswitch.devices.compress.GzipReference}.
 *
 * <p>Both devices carry state from chunk to chunk (a deflate window, a member's CRC), so they are
 * stateful: a flow stays pinned to one instance, other flows use the other instances. Both are driven by
 * demand: each {@code poll} produces at most one output chunk, so a stream that expands (a zip bomb)
 * grows only as fast as downstream asks.
 */
package io.flowswitch.devices.compress;
