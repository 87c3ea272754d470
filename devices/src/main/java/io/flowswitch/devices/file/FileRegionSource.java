package io.flowswitch.devices.file;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.SourceDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.internal.ArrayViews;
import io.flowswitch.devices.internal.IoReasons;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;

/**
 * A {@code file-region-source} instance: positional reads of one region of a file straight into chunk
 * arrays. Every chunk is full ({@code min(payload capacity, flow chunk size)}) except the last.
 *
 * <p>Ownership: {@link #read} writes into a chunk the caller owns. The device owns its file channel. One
 * thread calls it; reads block on the disk, so its stage runs on the blocking-I/O dispatcher.
 */
public final class FileRegionSource implements SourceDevice {
    private final String stage;
    private final Path path;
    private final FileChannel channel;
    private final long offset;
    private final long length;
    private final int chunkBytes;
    private final ArrayViews views = new ArrayViews();
    private long doneBytes;
    private boolean closed;

    private FileRegionSource(String stage, Path path, FileChannel channel, long offset, long length, int chunkBytes) {
        this.stage = stage;
        this.path = path;
        this.channel = channel;
        this.offset = offset;
        this.length = length;
        this.chunkBytes = chunkBytes;
    }

    static FileRegionSource open(String stage, Path path, long offset, long length, int chunkBytes) {
        final FileChannel channel = FileReads.open(stage, path);
        try {
            final long size = channel.size();
            if (offset + length > size) {
                throw new DeviceException("BAD_PARAMETER", stage + ": the region [" + offset + ", " + (offset + length)
                    + ") reaches past the end of " + path + " (" + size + " bytes)");
            }
            return new FileRegionSource(stage, path, channel, offset, length, chunkBytes);
        } catch (IOException e) {
            FileReads.closeQuietly(channel);
            throw new DeviceException(FileChecks.IO, stage + ": cannot read " + path + ": " + IoReasons.of(e), e);
        } catch (RuntimeException e) {
            FileReads.closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public long sizeBytes() {
        return length;
    }

    @Override
    public int read(Chunk chunk) {
        if (closed) {
            throw new IllegalStateException(stage + ": read() after close()");
        }
        final long left = length - doneBytes;
        if (left == 0) {
            return -1;
        }
        final int want = (int) Math.min(Math.min(chunk.payloadCapacity(), chunkBytes), left);
        FileReads.readInto(chunk, channel, views, offset + doneBytes, want, stage, path, "the region",
            offset + length);
        doneBytes += want;
        return want;
    }

    /** {@code bytes}: bytes read. */
    @Override
    public Map<String, String> results() {
        return Map.of("bytes", Long.toString(doneBytes));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            FileReads.closeQuietly(channel);
            views.clear();
        }
    }
}
