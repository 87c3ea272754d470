/**
 * Models of hardware accelerators: {@code rate-limit} ({@link io.flowswitch.devices.accel.RateLimitKind})
 * passes data unchanged at a given speed and latency, for exercising flows against slow devices.
 */
package io.flowswitch.devices.accel;
