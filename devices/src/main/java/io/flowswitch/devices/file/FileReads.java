package io.flowswitch.devices.file;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.internal.ArrayViews;
import io.flowswitch.devices.internal.IoReasons;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opening, positional reading and closing that the file sources share. Stateless. */
final class FileReads {
    private FileReads() {
    }

    /** Opens {@code path} for reading; the caller owns the channel. Errors as {@link FileChecks}' codes. */
    static FileChannel open(String stage, Path path) {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new DeviceException(FileChecks.NOT_FOUND, stage + ": cannot read " + path + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new DeviceException(FileChecks.NOT_READABLE,
                stage + ": cannot read " + path + ": permission denied", e);
        } catch (IOException e) {
            throw new DeviceException(FileChecks.NOT_READABLE,
                stage + ": cannot read " + path + ": " + IoReasons.of(e), e);
        }
    }

    /**
     * Fills {@code view} from the file at {@code startBytes} on, looping over short reads.
     *
     * @return false when the file ends before the view is full (it shrank while being read)
     */
    static boolean readFully(FileChannel channel, ByteBuffer view, long startBytes) throws IOException {
        final int first = view.position();
        while (view.hasRemaining()) {
            if (channel.read(view, startBytes + view.position() - first) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads {@code lengthBytes} of the file from {@code startBytes} on into {@code chunk}'s payload, at its
     * headroom, for a source that reads by position.
     *
     * @param part        what the read belongs to, for the error when the file shrank ({@code chunk 3}, {@code
     *                    the region})
     * @param partEndBytes where that part ends in the file
     * @throws DeviceException {@link FileChecks#IO} when the file shrank or the read failed
     */
    static void readInto(Chunk chunk, FileChannel channel, ArrayViews views, long startBytes, int lengthBytes,
        String stage, Path path, String part, long partEndBytes) {
        final ByteBuffer view = views.view(chunk.array(), Chunk.HEADROOM, Chunk.HEADROOM + lengthBytes);
        try {
            if (!readFully(channel, view, startBytes)) {
                throw new DeviceException(FileChecks.IO, stage + ": " + path + " shrank while being read: " + part
                    + " ends at byte " + partEndBytes + " but the file ends before");
            }
        } catch (IOException e) {
            throw new DeviceException(FileChecks.IO, stage + ": cannot read " + path + " at byte " + startBytes + ": "
                + IoReasons.of(e), e);
        }
        chunk.payload(Chunk.HEADROOM, lengthBytes);
    }

    static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was written through this channel, so a failed close loses nothing.
        }
    }
}
