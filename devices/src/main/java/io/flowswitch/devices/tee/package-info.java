/**
 * The {@code tee} device: a copy of a flow's stream to a second sink at a point of the chain, while the
 * stream goes on unchanged.
 */
package io.flowswitch.devices.tee;
