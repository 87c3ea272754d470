package io.flowswitch.devices.compress;

/** Constants of the gzip file format, RFC 1952. */
final class GzipFormat {
    static final int ID1 = 0x1f;
    static final int ID2 = 0x8b;
    /** CM: the only compression method RFC 1952 defines. */
    static final int METHOD_DEFLATE = 8;

    static final int FTEXT = 1;
    static final int FHCRC = 1 << 1;
    static final int FEXTRA = 1 << 2;
    static final int FNAME = 1 << 3;
    static final int FCOMMENT = 1 << 4;
    /** FLG bits 5 to 7 are reserved and must be zero. */
    static final int FLAGS_RESERVED = 0xe0;

    /** ID1 ID2 CM FLG MTIME(4) XFL OS. */
    static final int HEADER_BYTES = 10;
    /** CRC32(4) ISIZE(4), both little-endian. */
    static final int TRAILER_BYTES = 8;
    /** OS = unknown: the JVM hides the platform, and {@code GZIPOutputStream} writes the same. */
    static final int OS_UNKNOWN = 255;

    private GzipFormat() {
    }
}
