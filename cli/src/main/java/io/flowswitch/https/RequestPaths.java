package io.flowswitch.https;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Maps a request target to a file under the served root, so that no target ever names a file outside it:
 * the path is percent-decoded once (strictly: a bad escape or invalid UTF-8 is refused, never guessed),
 * any {@code .} or {@code ..} segment is refused whether it was written plainly or encoded, and the real
 * path (symbolic links followed) must still lie under the root's real path. Thread-safe; immutable.
 */
public final class RequestPaths {
    /** Where a target leads: a status, and for 200 the file. */
    public record Resolution(int status, Path file, String reason) {
        static Resolution refused(int status, String reason) {
            return new Resolution(status, null, reason);
        }
    }

    private static final String INDEX = "index.html";

    private final Path root;

    /** {@code root} must exist; its real path is taken now. */
    public RequestPaths(Path root) throws IOException {
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) {
            throw new IOException(root + " is not a directory");
        }
    }

    public Path root() {
        return root;
    }

    public Resolution resolve(String target) {
        if (!target.startsWith("/")) {
            return Resolution.refused(400, "the target is not an absolute path");
        }
        int end = target.length();
        final int query = target.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        final int fragment = target.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        final String decoded;
        try {
            decoded = percentDecode(target.substring(0, end));
        } catch (IllegalArgumentException e) {
            return Resolution.refused(400, e.getMessage());
        }
        if (decoded.indexOf('\0') >= 0) {
            return Resolution.refused(400, "a NUL in the path");
        }
        Path file = root;
        for (String segment : decoded.split("/", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals("..") || segment.equals(".") || segment.indexOf('\\') >= 0) {
                return Resolution.refused(403, "the path leaves the served directory");
            }
            file = file.resolve(segment);
        }
        if (!file.normalize().startsWith(root)) {
            return Resolution.refused(403, "the path leaves the served directory");
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
            return Resolution.refused(404, "no such file");
        }
        final Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return Resolution.refused(404, "no such file");
        }
        if (!real.startsWith(root)) {
            return Resolution.refused(403, "the path leaves the served directory (a link points outside)");
        }
        Path served = real;
        if (Files.isDirectory(real)) {
            served = real.resolve(INDEX);
            if (!Files.isRegularFile(served)) {
                return Resolution.refused(404, "a directory without " + INDEX);
            }
        }
        if (!Files.isRegularFile(served) || !Files.isReadable(served)) {
            return Resolution.refused(403, "not a readable regular file");
        }
        return new Resolution(200, served, "");
    }

    /** Decodes {@code %XX} escapes once and the bytes as UTF-8; throws on a bad escape or invalid UTF-8. */
    static String percentDecode(String text) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
                    || Character.digit(text.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("a bad percent escape in the path");
                }
                bytes.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
                i += 2;
            } else if (c > 0x7e || c < 0x21) {
                throw new IllegalArgumentException("a character that must be percent-encoded in the path");
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the path is not UTF-8");
        }
    }
}
