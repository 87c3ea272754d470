package io.flowswitch.devices.frame;

/**
 * What a header program reads for one record: the record's number and byte offset in the framed stream,
 * the flow id, the payload length, the payload's CRC-32C (when the program reads it), and the values of
 * the fields computed so far. One instance per device, refilled per record: no object per record. Not
 * thread-safe.
 */
final class RecordValues {
    long sequence;
    long offset;
    long flowId;
    long length;
    long crc32c;
    final long[] fields;

    RecordValues(int fieldCount) {
        this.fields = new long[fieldCount];
    }
}
