package io.flowswitch.https;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The head of one HTTP/1.x request (request line and header fields), parsed from bytes a client sent.
 * Strict where ambiguity could be exploited (bare CR, whitespace before a colon, folded lines, two
 * Content-Length values), as RFC 9112 asks of a server. Immutable.
 *
 * @param method  e.g. {@code GET}
 * @param target  the request target as sent, e.g. {@code /a%20b.txt?x=1}
 * @param minorVersion 0 for HTTP/1.0, 1 for HTTP/1.1
 * @param headers field names in lower case; a repeated field's values joined with {@code ", "}
 */
public record HttpRequestHead(String method, String target, int minorVersion, Map<String, String> headers) {
    /** Longest request head we read: request line and all fields. */
    public static final int MAX_HEAD_BYTES = 16 * 1024;

    /** A request the server answers with an error status and then closes the connection. */
    public static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether the connection stays open after the response (HTTP/1.1 default; 1.0 asks for it). */
    public boolean keepAlive() {
        final String connection = header("connection");
        final String value = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
        return minorVersion >= 1 ? !value.contains("close") : value.contains("keep-alive");
    }

    /**
     * Parses {@code length} bytes of {@code bytes} that end with the blank line ({@code CRLF CRLF}).
     *
     * @throws BadRequest 400 for malformed syntax, 505 for a version other than 1.0 or 1.1
     */
    public static HttpRequestHead parse(byte[] bytes, int length) throws BadRequest {
        // ISO-8859-1 maps every byte to one char, so positions stay byte positions and nothing fails to decode.
        final String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        if (!text.endsWith("\r\n\r\n")) {
            throw new BadRequest(400, "the request head does not end with an empty line");
        }
        final String[] lines = text.substring(0, text.length() - 4).split("\r\n", -1);
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0 || line.indexOf('\0') >= 0) {
                throw new BadRequest(400, "a bare CR, LF or NUL in the request head");
            }
        }
        final String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || requestLine[0].isEmpty() || requestLine[1].isEmpty()) {
            throw new BadRequest(400, "the request line is not 'METHOD TARGET HTTP/1.x'");
        }
        final String method = requestLine[0];
        for (int i = 0; i < method.length(); i++) {
            final char c = method.charAt(i);
            if (c < '!' || c > '~' || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new BadRequest(400, "the method is not a token");
            }
        }
        final int minor;
        switch (requestLine[2]) {
            case "HTTP/1.1" -> minor = 1;
            case "HTTP/1.0" -> minor = 0;
            default -> {
                if (requestLine[2].matches("HTTP/\\d\\.\\d")) {
                    throw new BadRequest(505, "HTTP version " + requestLine[2].substring(5) + " is not supported");
                }
                throw new BadRequest(400, "the request line does not end with an HTTP version");
            }
        }
        final Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            final String line = lines[i];
            final int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t'
                || Character.isWhitespace(line.charAt(colon - 1))) {
                throw new BadRequest(400, "a malformed header field: '" + printable(line) + "'");
            }
            final String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            final String value = line.substring(colon + 1).strip();
            if (name.equals("content-length") && headers.containsKey(name) && !headers.get(name).equals(value)) {
                throw new BadRequest(400, "two different Content-Length fields");
            }
            headers.merge(name, value, (a, b) -> name.equals("content-length") ? a : a + ", " + b);
        }
        if (minor == 1 && !headers.containsKey("host")) {
            throw new BadRequest(400, "an HTTP/1.1 request without a Host field");
        }
        return new HttpRequestHead(method, requestLine[1], minor, Map.copyOf(headers));
    }

    private static String printable(String text) {
        final String cut = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
