package io.flowswitch.devices.internal;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Turns an {@link IOException} into the short "why" at the end of a device error message
 * ({@code "... cannot read /x/y: no such file"}). The JDK's own messages repeat the path or are empty
 * for some exception types; devices already name the path, so only the reason is kept. Stateless.
 */
public final class IoReasons {
    private IoReasons() {
    }

    /** A lower-case reason without the path, never empty. */
    public static String of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof ClosedByInterruptException) {
            return "interrupted";
        }
        if (e instanceof AsynchronousCloseException) {
            return "closed while in use";
        }
        if (e instanceof ClosedChannelException) {
            return "already closed";
        }
        if (e instanceof FileSystemException) {
            final String reason = ((FileSystemException) e).getReason();
            if (reason != null && !reason.isBlank()) {
                return lowerFirst(reason);
            }
        }
        final String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return lowerFirst(message);
    }

    /** Whether {@code e} says the device ran out of space (ENOSPC, or EDQUOT for a quota). */
    public static boolean isNoSpace(IOException e) {
        final String text = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : e.getMessage();
        if (text == null) {
            return false;
        }
        final String lower = text.toLowerCase(Locale.ROOT);
        return lower.contains("no space left") || lower.contains("disk quota exceeded");
    }

    private static String lowerFirst(String text) {
        // Keep acronyms ("EOF", "TLS") as they are; only lower a capitalised ordinary word.
        if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))) {
            return Character.toLowerCase(text.charAt(0)) + text.substring(1);
        }
        return text;
    }
}
