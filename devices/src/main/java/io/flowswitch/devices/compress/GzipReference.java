package io.flowswitch.devices.compress;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Software path of the gzip devices, over plain streams with {@link GZIPOutputStream} and
 * {@link GZIPInputStream}: for the ladder's software step, the small-request bypass and tests.
 *
 * <p>{@link #compress} writes exactly the bytes {@link GzipDevice} produces at the same level (same
 * header, same zlib, no flushes), so a flow that falls back to this path mid-way still ends with the
 * output the device would have made. {@link #decompress} reads concatenated members like
 * {@link GunzipDevice}, but is more lenient than it about bytes after the last member (the JDK stops at
 * anything that is not a member, where the device accepts only zero padding).
 *
 * <p>Every method reads {@code in} to its end and closes neither stream (the caller owns both); it
 * allocates its stream buffers per call. Thread-safe: no shared state.
 */
public final class GzipReference {
    private static final int BUFFER_BYTES = 64 * 1024;

    private GzipReference() {
    }

    /** Compresses {@code in} into one gzip member on {@code out} at the default level, 6. */
    public static void compress(InputStream in, OutputStream out) throws IOException {
        compress(in, out, GzipKind.DEFAULT_LEVEL);
    }

    /**
     * Compresses {@code in} into one gzip member on {@code out} at deflate {@code level}.
     *
     * @throws IllegalArgumentException when {@code level} is not 1 to 9
     */
    public static void compress(InputStream in, OutputStream out, int level) throws IOException {
        if (level < GzipKind.MIN_LEVEL || level > GzipKind.MAX_LEVEL) {
            throw new IllegalArgumentException("gzip level must be between " + GzipKind.MIN_LEVEL + " and "
                + GzipKind.MAX_LEVEL + ", got " + level);
        }
        final GZIPOutputStream gzip = new LeveledGzipOutputStream(new ShieldedOutputStream(out), level);
        in.transferTo(gzip);
        // finish() writes the trailer; close() also frees the deflater (out is shielded from the close).
        gzip.close();
    }

    /** Decompresses every gzip member in {@code in} onto {@code out}, checking each CRC-32 and length. */
    public static void decompress(InputStream in, OutputStream out) throws IOException {
        final GZIPInputStream gunzip = new GZIPInputStream(new ShieldedInputStream(in), BUFFER_BYTES);
        try {
            gunzip.transferTo(out);
        } finally {
            gunzip.close();
        }
    }

    /**
     * A {@link GZIPOutputStream} whose deflater has the given level from the very first byte. Setting
     * the level on the stream's own deflater would also work on today's zlib, but a zlib older than
     * 1.2.12 may emit an empty block on a level change, and then the output would differ from the device's.
     */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
            super(out, BUFFER_BYTES);
            def.end();
            def = new Deflater(level, true);
        }
    }

    /** Lets the gzip stream be closed (which frees its native state) without closing the caller's stream. */
    private static final class ShieldedOutputStream extends FilterOutputStream {
        ShieldedOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            // FilterOutputStream would write byte by byte.
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** Lets the gzip stream be closed (which frees its native state) without closing the caller's stream. */
    private static final class ShieldedInputStream extends FilterInputStream {
        ShieldedInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // The caller owns the stream.
        }
    }
}
