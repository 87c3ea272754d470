/**
 * Plumbing shared by the devices of this module: NIO buffer views, parameter checks, error reasons, the
 * start of every kind's capabilities.
 * Not for users: nothing outside this module may depend on it, and it may change without notice.
 */
package io.flowswitch.devices.internal;
