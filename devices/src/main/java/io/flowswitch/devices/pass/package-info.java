/**
 * Pass-through ranges: a device that can leave part of a chunk untouched is told, per chunk, which
 * bytes those are, and processes only the rest.
 */
package io.flowswitch.devices.pass;
