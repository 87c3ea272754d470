package io.flowswitch.devices;

/** Where a device sits in a flow. */
public enum DeviceRole {
    /** Produces chunks: a file, a socket it reads from. */
    SOURCE,
    /** Takes chunks and produces chunks: a cipher, a compressor, a digest tap. */
    TRANSFORM,
    /** Consumes chunks: a file, a socket it writes to. */
    SINK
}
