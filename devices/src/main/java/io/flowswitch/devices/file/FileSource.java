package io.flowswitch.devices.file;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.internal.ArrayViews;
import io.flowswitch.devices.internal.IoReasons;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;

/**
 * A {@code file-source} instance: reads its file with positional reads straight into chunk arrays.
 *
 * <p>Every chunk is filled to {@code min(chunk.payloadCapacity(), flow chunk size)} bytes except the
 * last, so chunk boundaries depend only on the chunk size, which makes a re-read (replay after a fault)
 * produce the same chunks. The file is read to its end as found while reading; {@link #sizeBytes()} is
 * its size when opened, for progress reports. A read that reaches that size returns at once rather than
 * read again only to find the end (a file that grew meanwhile is read on by the next call, whose chunk
 * then follows a short one).
 *
 * <p>Ownership: {@link #read} writes into a chunk the caller owns and keeps no reference to its payload
 * (only a reusable view of its array, see {@link ArrayViews}). The device owns its file channel and
 * closes it in {@link #close()}. Not thread-safe: one stage thread calls it; reads block on the disk, so
 * that stage runs on the blocking-I/O dispatcher.
 */
public final class FileSource implements SourceDevice {
    private final String stage;
    private final Path path;
    private final FileChannel channel;
    private final long sizeBytes;
    private final int chunkBytes;
    private final ArrayViews views = new ArrayViews();
    private long positionBytes;
    private boolean ended;
    private boolean closed;

    private FileSource(String stage, Path path, FileChannel channel, long sizeBytes, int chunkBytes) {
        this.stage = stage;
        this.path = path;
        this.channel = channel;
        this.sizeBytes = sizeBytes;
        this.chunkBytes = chunkBytes;
    }

    static FileSource open(String stage, Path path, int chunkBytes) {
        final FileChannel channel = FileReads.open(stage, path);
        try {
            return new FileSource(stage, path, channel, channel.size(), chunkBytes);
        } catch (IOException e) {
            FileReads.closeQuietly(channel);
            throw new DeviceException(FileChecks.IO, stage + ": cannot read " + path + ": " + IoReasons.of(e), e);
        }
    }

    /** Size of the file in bytes when it was opened, for progress reports. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** Bytes read so far, which is also the flow byte offset of the next chunk. */
    public long positionBytes() {
        return positionBytes;
    }

    public Path path() {
        return path;
    }

    /**
     * Fills the chunk's payload from the file at {@link Chunk#HEADROOM}. The caller owns the chunk before
     * and after and sets its header; only the payload range (and with it the header's payload length)
     * is set here.
     *
     * @return bytes read, or -1 at the end of the file (then and ever after)
     */
    @Override
    public int read(Chunk chunk) {
        if (closed) {
            throw new IllegalStateException(stage + ": read() after close()");
        }
        if (ended) {
            return -1;
        }
        final int maxBytes = Math.min(chunk.payloadCapacity(), chunkBytes);
        final ByteBuffer view = views.view(chunk.array(), Chunk.HEADROOM, Chunk.HEADROOM + maxBytes);
        try {
            // One read may return less than asked (a large request, a signal): loop, so that only the
            // last chunk is short.
            while (view.hasRemaining()) {
                final int n = channel.read(view, positionBytes);
                if (n < 0) {
                    ended = true;
                    break;
                }
                if (n == 0) {
                    // The contract allows zero without end of file; hand back what we have rather than spin.
                    break;
                }
                positionBytes += n;
                if (positionBytes == sizeBytes) {
                    // The size it had when opened: a read now would most likely only find the end. Should the
                    // file have grown, the next call reads on.
                    break;
                }
            }
        } catch (IOException e) {
            throw new DeviceException(FileChecks.IO,
                stage + ": cannot read " + path + " at byte " + positionBytes + ": " + IoReasons.of(e), e);
        }
        final int filled = view.position() - Chunk.HEADROOM;
        if (filled == 0 && ended) {
            return -1;
        }
        chunk.payload(Chunk.HEADROOM, filled);
        return filled;
    }

    /**
     * Reads chunk {@code index} by position: bytes {@code index * chunkBytes} on, as far as the size the
     * file had when opened. Each lane of a laned flow has its own instance, so this needs no lock.
     */
    @Override
    public int readChunk(Chunk chunk, long index) {
        if (closed) {
            throw new IllegalStateException(stage + ": readChunk() after close()");
        }
        final long start = index * chunkBytes;
        if (index < 0 || (start >= sizeBytes && !(index == 0 && sizeBytes == 0))) {
            return -1;
        }
        final int length = (int) Math.min(Math.min(chunk.payloadCapacity(), chunkBytes), sizeBytes - start);
        FileReads.readInto(chunk, channel, views, start, length, stage, path, "chunk " + index, start + length);
        positionBytes += length;
        return length;
    }

    /** {@code bytes}: bytes read. */
    @Override
    public Map<String, String> results() {
        return Map.of("bytes", Long.toString(positionBytes));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            FileReads.closeQuietly(channel);
            views.clear();
        }
    }

    @Override
    public String toString() {
        return "FileSource{" + stage + ", " + path + ", " + positionBytes + "/" + sizeBytes + " bytes}";
    }
}
