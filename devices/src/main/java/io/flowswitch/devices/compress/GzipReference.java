package io.flowswitch.devices.compress;

import io.flowswitch.devices.FlowContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

/**
 * Software path of the gzip devices, over plain streams with {@link Deflater} and {@link GZIPInputStream}:
 * for the ladder's software step, the small-request bypass and tests.
 *
 * <p>{@link #compress} writes exactly the bytes {@link GzipDevice} produces at the same level and chunk
 * size (same header, same zlib, a full flush and a fresh dictionary after every
 * {@value GzipDevice#CHECKPOINT_CHUNKS} chunks of input, as the device's checkpoints), so a flow that falls
 * back to this path mid-way still ends with the output the device would have made. {@link #decompress}
 * reads concatenated members like {@link GunzipDevice}, but is more lenient than it about bytes after the
 * last member (the JDK stops at anything that is not a member, where the device accepts only zero padding).
 *
 * <p>Every method reads {@code in} to its end and closes neither stream (the caller owns both); it
 * allocates its buffers per call. Thread-safe: no shared state.
 */
public final class GzipReference {
    private static final int BUFFER_BYTES = 64 * 1024;

    private GzipReference() {
    }

    /** Compresses {@code in} into one gzip member on {@code out} at the default level, 6, in 64 KiB chunks. */
    public static void compress(InputStream in, OutputStream out) throws IOException {
        compress(in, out, GzipKind.DEFAULT_LEVEL);
    }

    /** Compresses {@code in} as a flow of the default chunk size (64 KiB) would: see {@link #compress(InputStream, OutputStream, int, int)}. */
    public static void compress(InputStream in, OutputStream out, int level) throws IOException {
        compress(in, out, level, FlowContext.DEFAULT_CHUNK_BYTES);
    }

    /**
     * Compresses {@code in} into one gzip member on {@code out} at deflate {@code level}, as the device does
     * given chunks of {@code chunkBytes} payload bytes: a full flush and a fresh deflater after every
     * {@value GzipDevice#CHECKPOINT_CHUNKS} chunks.
     *
     * @throws IllegalArgumentException when {@code level} is not 1 to 9 or {@code chunkBytes} not positive
     */
    public static void compress(InputStream in, OutputStream out, int level, int chunkBytes) throws IOException {
        if (level < GzipKind.MIN_LEVEL || level > GzipKind.MAX_LEVEL) {
            throw new IllegalArgumentException("gzip level must be between " + GzipKind.MIN_LEVEL + " and "
                + GzipKind.MAX_LEVEL + ", got " + level);
        }
        if (chunkBytes <= 0) {
            throw new IllegalArgumentException("chunk size must be positive, got " + chunkBytes);
        }
        final byte[] input = new byte[BUFFER_BYTES];
        final byte[] output = new byte[BUFFER_BYTES];
        final CRC32 crc = new CRC32();
        final Deflater deflater = new Deflater(level, true);
        try {
            out.write(new byte[] {(byte) GzipFormat.ID1, (byte) GzipFormat.ID2, (byte) GzipFormat.METHOD_DEFLATE,
                0, 0, 0, 0, 0, 0, (byte) GzipFormat.OS_UNKNOWN});
            long total = 0;
            long inChunk = 0;
            long chunks = 0;
            boolean end = false;
            while (!end) {
                final int wanted = (int) Math.min(input.length, chunkBytes - inChunk);
                final int read = in.readNBytes(input, 0, wanted);
                end = read < wanted;
                if (read > 0) {
                    crc.update(input, 0, read);
                    total += read;
                    inChunk += read;
                    deflater.setInput(input, 0, read);
                    while (!deflater.needsInput()) {
                        out.write(output, 0, deflater.deflate(output, 0, output.length, Deflater.NO_FLUSH));
                    }
                }
                // A chunk ends full, or short at the end of the input: the device checkpoints after every
                // CHECKPOINT_CHUNKS of them.
                if (inChunk == chunkBytes || (end && inChunk > 0)) {
                    inChunk = 0;
                    if (++chunks % GzipDevice.CHECKPOINT_CHUNKS == 0) {
                        int flushed;
                        do {
                            flushed = deflater.deflate(output, 0, output.length, Deflater.FULL_FLUSH);
                            out.write(output, 0, flushed);
                        } while (flushed == output.length);
                        deflater.reset();
                    }
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                out.write(output, 0, deflater.deflate(output, 0, output.length, Deflater.NO_FLUSH));
            }
            final int crcValue = (int) crc.getValue();
            // ISIZE is the input length modulo 2^32.
            out.write(new byte[] {(byte) crcValue, (byte) (crcValue >>> 8), (byte) (crcValue >>> 16),
                (byte) (crcValue >>> 24), (byte) total, (byte) (total >>> 8), (byte) (total >>> 16),
                (byte) (total >>> 24)});
        } finally {
            deflater.end();
        }
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
