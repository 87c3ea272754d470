/**
 * Scatter-gather for devices without pass-through: a {@code split} takes the header part off each chunk
 * (the record header a framer put in front of it) and keeps it aside, the devices after it see only the
 * data part, and the paired {@code join} puts the header part back in front of what they made of it.
 */
package io.flowswitch.devices.split;
