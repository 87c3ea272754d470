/**
 * The application's side of a linked socket: an {@link io.flowswitch.devices.link.AppPipe} an application
 * writes into (one copy, batched under a latency bound if asked) or lends {@link
 * io.flowswitch.devices.link.SharedPage}s to (no copy, ownership enforced), and the {@code pipe-source}
 * device that makes those bytes a flow's input.
 */
package io.flowswitch.devices.link;
