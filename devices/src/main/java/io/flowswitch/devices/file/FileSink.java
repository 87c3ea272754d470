package io.flowswitch.devices.file;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.PartialWriteException;
import io.flowswitch.devices.PositionalSink;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.internal.ArrayViews;
import io.flowswitch.devices.internal.IoReasons;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@code file-sink} instance: writes chunk payloads in order to a hidden partial file next to the
 * target ({@code .<name>.partial-<random>}) and renames it onto the target only in {@link #finish()}.
 *
 * <p>So a flow that fails never leaves a file posing as complete: {@link #abort} (and {@link #close()}
 * without {@code finish}) deletes the partial file and leaves an existing target untouched. The rename
 * is atomic: a reader sees the old file or the whole new one. With {@code overwrite = false} the file is
 * published with a hard link, which fails if a file appeared at the target meanwhile (a plain rename would
 * replace it); where the file system has no hard links, an existence check and a rename stand in. The
 * published file is a new file: it has default permissions, and a symbolic link at the target is
 * replaced, not written through.
 *
 * <p>Ownership: {@link #write} reads from a chunk the caller owns and keeps, and keeps no reference to
 * its payload (only a reusable view of its array, see {@link ArrayViews}). The device owns its partial
 * file and its channel. Not thread-safe: one stage thread calls it; writes block on the disk, so that
 * stage runs on the blocking-I/O dispatcher.
 */
public final class FileSink implements PositionalSink {
    /** Longest part of the target's name kept in the partial file's name, so the name stays under 255 bytes. */
    private static final int MAX_NAME_IN_PARTIAL = 160;
    private static final int CREATE_ATTEMPTS = 5;

    private enum State { OPEN, FINISHED, ABORTED }

    private final String stage;
    private final Path target;
    private final Path partial;
    private final FileChannel channel;
    private final boolean overwrite;
    private final boolean sync;
    private final ArrayViews views = new ArrayViews();
    private long bytesWritten;
    /** Bytes written by lanes through {@link #writeAt}, from several threads. */
    private final java.util.concurrent.atomic.AtomicLong bytesWrittenAt = new java.util.concurrent.atomic.AtomicLong();
    private volatile State state = State.OPEN;

    private FileSink(String stage, Path target, Path partial, FileChannel channel, boolean overwrite, boolean sync) {
        this.stage = stage;
        this.target = target;
        this.partial = partial;
        this.channel = channel;
        this.overwrite = overwrite;
        this.sync = sync;
    }

    /**
     * Creates the partial file next to {@code target}. The directory is not checked first: creating the file is
     * the check, and only when it fails does the directory get looked at, so that the error says what is wrong
     * with it (as {@code validate()} would) and a request that succeeds costs no look-up it does not need.
     */
    static FileSink open(String stage, Path target, boolean overwrite, boolean sync) {
        final Path directory = FileChecks.parentOf(target);
        final String name = target.getFileName() == null ? "output" : target.getFileName().toString();
        final String stem = name.length() > MAX_NAME_IN_PARTIAL ? name.substring(0, MAX_NAME_IN_PARTIAL) : name;
        for (int attempt = 1; ; attempt++) {
            final Path partial = directory.resolve(
                "." + stem + ".partial-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            try {
                // CREATE_NEW: never adopt or truncate a file that someone else made.
                final FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
                return new FileSink(stage, target, partial, channel, overwrite, sync);
            } catch (FileAlreadyExistsException e) {
                if (attempt == CREATE_ATTEMPTS) {
                    throw new DeviceException(FileChecks.IO, stage + ": cannot write " + target
                        + ": could not find a free name for the partial file in " + directory, e);
                }
            } catch (NoSuchFileException e) {
                FileChecks.requireWritableDirectory(stage, target);
                throw new DeviceException(FileChecks.NOT_FOUND,
                    stage + ": cannot write " + target + ": directory " + directory + " does not exist", e);
            } catch (AccessDeniedException e) {
                FileChecks.requireWritableDirectory(stage, target);
                throw new DeviceException(FileChecks.NOT_WRITABLE,
                    stage + ": cannot write " + target + ": cannot create a file in " + directory
                        + " (permission denied)", e);
            } catch (IOException e) {
                FileChecks.requireWritableDirectory(stage, target);
                throw new DeviceException(IoReasons.isNoSpace(e) ? FileChecks.NO_SPACE : FileChecks.NOT_WRITABLE,
                    stage + ": cannot write " + target + ": cannot create a file in " + directory + ": "
                        + IoReasons.of(e), e);
            }
        }
    }

    /** The file that appears when the flow completes. */
    public Path target() {
        return target;
    }

    /** The hidden file written until then; gone after {@link #finish()} or {@link #abort}. */
    public Path partialPath() {
        return partial;
    }

    public long bytesWritten() {
        return bytesWritten + bytesWrittenAt.get();
    }

    /**
     * Writes {@code source} at {@code positionBytes} of the partial file. Thread-safe (positional writes
     * on one channel), for the lanes of a laned flow.
     *
     * @throws DeviceException {@code NO_SPACE} or {@code IO}; the partial file stays until {@link #abort}
     */
    @Override
    public void writeAt(ByteBuffer source, long positionBytes) {
        if (state != State.OPEN) {
            throw new IllegalStateException(stage + ": writeAt() on a sink that is no longer open");
        }
        long position = positionBytes;
        try {
            while (source.hasRemaining()) {
                final int n = channel.write(source, position);
                position += n;
                bytesWrittenAt.addAndGet(n);
            }
        } catch (IOException e) {
            throw new DeviceException(IoReasons.isNoSpace(e) ? FileChecks.NO_SPACE : FileChecks.IO,
                stage + ": cannot write " + target + " at byte " + position + ": " + IoReasons.of(e), e);
        }
    }

    /**
     * Appends the chunk's payload. The caller owns the chunk before and after and releases it.
     *
     * @throws PartialWriteException {@code NO_SPACE} or {@code IO}, with the bytes of this chunk that are in
     *     the file (a retry writes only the rest); the partial file stays until {@link #abort}
     */
    @Override
    public void write(Chunk chunk) {
        requireOpen("write()");
        final ByteBuffer view = views.view(chunk.array(), chunk.payloadOffset(), chunk.payloadEnd());
        final long startBytes = bytesWritten;
        try {
            // A write may take less than offered: loop until the whole payload is in the file.
            while (view.hasRemaining()) {
                bytesWritten += channel.write(view);
            }
        } catch (IOException e) {
            throw new PartialWriteException(IoReasons.isNoSpace(e) ? FileChecks.NO_SPACE : FileChecks.IO,
                stage + ": cannot write " + target + " at byte " + bytesWritten + ": " + IoReasons.of(e),
                (int) (bytesWritten - startBytes), e);
        }
    }

    /**
     * Publishes the file under its name: forces it to disk first if {@code sync}, then renames it
     * atomically onto the target. Calling it again after success does nothing.
     *
     * @throws DeviceException when publishing fails; the partial file is then already deleted
     */
    @Override
    public void finish() {
        if (state == State.FINISHED) {
            return;
        }
        requireOpen("finish()");
        try {
            if (sync) {
                channel.force(true);
            }
            channel.close();
            publish();
        } catch (IOException e) {
            discard();
            throw new DeviceException(IoReasons.isNoSpace(e) ? FileChecks.NO_SPACE : FileChecks.IO,
                stage + ": cannot finish " + target + ": " + IoReasons.of(e), e);
        } catch (DeviceException e) {
            discard();
            throw e;
        }
        state = State.FINISHED;
        if (sync) {
            syncDirectory();
        }
        views.clear();
    }

    /** Deletes the partial file; an existing target stays as it was. Does nothing after {@link #finish()}. */
    @Override
    public void abort(Throwable cause) {
        if (state == State.OPEN) {
            discard();
        }
    }

    /** Without a successful {@link #finish()} this is an {@link #abort}: nothing half-written stays. */
    @Override
    public void close() {
        abort(null);
        views.clear();
    }

    /** {@code bytes}: bytes written. */
    @Override
    public Map<String, String> results() {
        return Map.of("bytes", Long.toString(bytesWritten()));
    }

    private void publish() throws IOException {
        if (overwrite) {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        try {
            // link(2) fails if the target exists, atomically; rename(2) would silently replace it.
            Files.createLink(target, partial);
        } catch (FileAlreadyExistsException e) {
            throw alreadyExists(e);
        } catch (UnsupportedOperationException | IOException e) {
            // No hard links here (some network and FAT-like file systems): check, then rename. A file
            // created between the two would be replaced; that window is the price of such a file system.
            if (Files.exists(target)) {
                throw alreadyExists(null);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        try {
            Files.delete(partial);
        } catch (IOException e) {
            // The target is published and complete; a hidden leftover name is not worth failing the flow.
        }
    }

    private DeviceException alreadyExists(Throwable cause) {
        return new DeviceException(FileChecks.ALREADY_EXISTS,
            stage + ": cannot finish " + target + ": a file appeared there during the flow and overwrite is false",
            cause);
    }

    /** Makes the rename itself durable: a directory entry is only on disk once its directory is forced. */
    private void syncDirectory() {
        try (FileChannel directory = FileChannel.open(FileChecks.parentOf(target), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the data itself was forced before the rename.
        }
    }

    private void discard() {
        state = State.ABORTED;
        try {
            channel.close();
        } catch (IOException e) {
            // The file is deleted next; what its close failed to write no longer matters.
        }
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            // Never throw from abort. A leftover is a hidden ".partial-" file, never the target name.
        }
        views.clear();
    }

    private void requireOpen(String call) {
        if (state != State.OPEN) {
            throw new IllegalStateException(stage + ": " + call + " on a sink that is already "
                + (state == State.FINISHED ? "finished" : "aborted"));
        }
    }

    @Override
    public String toString() {
        return "FileSink{" + stage + ", " + target + ", " + bytesWritten() + " bytes, " + state + "}";
    }
}
