package io.flowswitch.devices.chunk;

/** Bits of the {@link ChunkHeader} flags field. */
public final class ChunkFlags {
    /** First chunk of a flow. */
    public static final int FIRST = 1;
    /** Last chunk of a flow, when the producer knows it. A producer that does not (a socket) never sets it. */
    public static final int LAST = 1 << 1;
    /** The payload is the header part of a scatter-gather pair. */
    public static final int HEADER_PART = 1 << 2;
    /** The payload is the data part of a scatter-gather pair. */
    public static final int DATA_PART = 1 << 3;
    /** The pass-through range in the header must be left untouched. */
    public static final int PASS_THROUGH = 1 << 4;

    private ChunkFlags() {
    }

    public static String toString(int flags) {
        final StringBuilder sb = new StringBuilder();
        append(sb, flags, FIRST, "FIRST");
        append(sb, flags, LAST, "LAST");
        append(sb, flags, HEADER_PART, "HEADER_PART");
        append(sb, flags, DATA_PART, "DATA_PART");
        append(sb, flags, PASS_THROUGH, "PASS_THROUGH");
        return sb.length() == 0 ? "0" : sb.toString();
    }

    private static void append(StringBuilder sb, int flags, int flag, String name) {
        if ((flags & flag) != 0) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append(name);
        }
    }
}
