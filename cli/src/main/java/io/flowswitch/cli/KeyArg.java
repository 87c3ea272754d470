package io.flowswitch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A {@code --key NAME=FILE} argument: a key name that stages refer to (e.g. {@code aes-gcm-encrypt:key=k1})
 * and the file that holds the key: 32 raw bytes, or 64 hex characters (surrounding whitespace ignored).
 * Immutable; the key bytes are read only by {@link #load()}.
 */
record KeyArg(String name, Path file) {
    static final int KEY_BYTES = 32;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    static KeyArg parse(String text) {
        final int equals = text.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("'" + text + "': write NAME=FILE, e.g. k1=key.bin");
        }
        final String name = text.substring(0, equals).trim();
        final String file = text.substring(equals + 1).trim();
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + text + "': " + (name.isEmpty() ? "the key name is missing"
                : "'" + name + "' is not a key name (letters, digits, '-', '.', '_')"));
        }
        if (file.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': the key file is missing");
        }
        try {
            return new KeyArg(name, Path.of(file));
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "': not a valid path: " + e.getMessage());
        }
    }

    /**
     * Reads the key: exactly 32 bytes are taken as raw key bytes; otherwise the trimmed text must be
     * 64 hex characters.
     *
     * @return a fresh array the caller owns
     * @throws CliException (usage) naming the file and what was found
     */
    byte[] load() {
        final byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw CliException.usage("key file '" + file + "' (key '" + name + "') does not exist");
        } catch (AccessDeniedException e) {
            throw CliException.usage("key file '" + file + "' (key '" + name + "') cannot be read: permission denied");
        } catch (IOException e) {
            throw CliException.usage("key file '" + file + "' (key '" + name + "') cannot be read: " + e.getMessage());
        }
        if (content.length == KEY_BYTES) {
            return content;
        }
        final String text = new String(content, StandardCharsets.ISO_8859_1).strip();
        if (text.length() == 2 * KEY_BYTES) {
            try {
                return HexFormat.of().parseHex(text);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("key file '" + file + "' (key '" + name + "') holds 64 characters that are"
                    + " not all hex digits; expected " + KEY_BYTES + " raw bytes or " + 2 * KEY_BYTES + " hex characters");
            }
        }
        throw CliException.usage("key file '" + file + "' (key '" + name + "') holds " + content.length + " bytes"
            + (text.length() != content.length ? " (" + text.length() + " without whitespace)" : "")
            + "; expected " + KEY_BYTES + " raw bytes or " + 2 * KEY_BYTES + " hex characters");
    }

    @Override
    public String toString() {
        return name + "=" + file;
    }

    /** Picocli's hook: a malformed {@code NAME=FILE} becomes a usage error that names the option. */
    static final class Converter implements CommandLine.ITypeConverter<KeyArg> {
        @Override
        public KeyArg convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
