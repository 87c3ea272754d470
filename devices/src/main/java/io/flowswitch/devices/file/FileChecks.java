package io.flowswitch.devices.file;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.internal.IoReasons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Checks on paths that both {@code validate()} (before a flow starts) and {@code create()} (when it starts;
 * the file system may have changed in between) run. They only look at metadata: nothing is opened or
 * created. Stateless.
 */
final class FileChecks {
    static final String NOT_FOUND = "NOT_FOUND";
    static final String NOT_READABLE = "NOT_READABLE";
    static final String NOT_WRITABLE = "NOT_WRITABLE";
    static final String ALREADY_EXISTS = "ALREADY_EXISTS";
    static final String NO_SPACE = "NO_SPACE";
    static final String IO = "IO";

    private FileChecks() {
    }

    /** Checks that {@code path} is a regular file this process may read. */
    static void requireReadableFile(String stage, Path path) {
        requireRegularFile(stage, path);
        if (!Files.isReadable(path)) {
            throw new DeviceException(NOT_READABLE, stage + ": cannot read " + path + ": permission denied");
        }
    }

    /**
     * The part of {@link #requireReadableFile} that opening the file cannot tell by failing: that something is
     * there and that it is a regular file (opening a pipe would block until a writer comes, and opening a
     * directory succeeds). Permission is left to the open, which reports it.
     */
    static void requireRegularFile(String stage, Path path) {
        final BasicFileAttributes attributes = attributes(stage, "read", path);
        if (attributes == null) {
            throw new DeviceException(NOT_FOUND, stage + ": cannot read " + path + ": no such file");
        }
        if (attributes.isDirectory()) {
            throw new DeviceException(NOT_READABLE,
                stage + ": cannot read " + path + ": it is a directory, not a file");
        }
        if (!attributes.isRegularFile()) {
            // Positional reads need a regular file: a pipe or a device cannot seek.
            throw new DeviceException(NOT_READABLE,
                stage + ": cannot read " + path + ": not a regular file (a pipe, socket or device)");
        }
    }

    /**
     * Checks that a file can be created next to {@code target} and later renamed onto it: the parent
     * directory exists and is writable, the target is not a directory, and, unless {@code overwrite},
     * the target does not exist yet.
     */
    static void requireWritableTarget(String stage, Path target, boolean overwrite) {
        requireWritableDirectory(stage, target);
        requireReplaceableTarget(stage, target, overwrite);
    }

    /** That the directory of {@code target} exists, is a directory and may be written. */
    static void requireWritableDirectory(String stage, Path target) {
        final Path parent = parentOf(target);
        final BasicFileAttributes parentAttributes = attributes(stage, "write", parent);
        if (parentAttributes == null) {
            throw new DeviceException(NOT_FOUND,
                stage + ": cannot write " + target + ": directory " + parent + " does not exist");
        }
        if (!parentAttributes.isDirectory()) {
            throw new DeviceException(NOT_WRITABLE,
                stage + ": cannot write " + target + ": " + parent + " is not a directory");
        }
        if (!Files.isWritable(parent)) {
            throw new DeviceException(NOT_WRITABLE,
                stage + ": cannot write " + target + ": directory " + parent + " is not writable (permission denied)");
        }
    }

    /**
     * The part of {@link #requireWritableTarget} that creating a file next to the target cannot tell by failing:
     * the target is not a directory (the rename at the end would fail, after every byte was written) and, unless
     * {@code overwrite}, does not exist yet.
     */
    static void requireReplaceableTarget(String stage, Path target, boolean overwrite) {
        final BasicFileAttributes targetAttributes = attributes(stage, "write", target);
        if (targetAttributes != null) {
            if (targetAttributes.isDirectory()) {
                throw new DeviceException(NOT_WRITABLE,
                    stage + ": cannot write " + target + ": it is a directory, not a file");
            }
            if (!overwrite) {
                throw new DeviceException(ALREADY_EXISTS,
                    stage + ": cannot write " + target + ": it already exists and overwrite is false");
            }
        }
    }

    /** The directory that holds {@code path}; a relative path without a directory is in the working directory. */
    static Path parentOf(Path path) {
        final Path parent = path.toAbsolutePath().getParent();
        // Only a root ("/") has no parent, and a root is a directory: the target check reports it.
        return parent == null ? path.toAbsolutePath() : parent;
    }

    /** The attributes of {@code path} (following links), or {@code null} when nothing is there. */
    private static BasicFileAttributes attributes(String stage, String verb, Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            // Also a dangling symbolic link: there is nothing behind it to read or to replace.
            return null;
        } catch (IOException e) {
            final String code = "read".equals(verb) ? NOT_READABLE : NOT_WRITABLE;
            throw new DeviceException(code, stage + ": cannot " + verb + " " + path + ": " + IoReasons.of(e), e);
        }
    }
}
