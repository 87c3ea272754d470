/**
 * The scheduler's planning logic: the device pool and its measured rates, admission with leases,
 * placement and replication of slow stages, weighted fair sharing, and the small-request bypass.
 *
 * <p>Pure logic: no actors, no threads, no I/O, no clock. Inputs are immutable, outputs deterministic;
 * time is passed in as nanoseconds where it matters. The one stateful class, {@link
 * io.flowswitch.scheduler.Admission}, is meant to be owned by one actor and called synchronously from its
 * message handlers. See {@code docs/scheduler.md} for the model and the formulas.
 */
package io.flowswitch.scheduler;
