package io.flowswitch.https;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.file.FileRegionSource;
import io.flowswitch.devices.file.FileRegionSourceKind;
import io.flowswitch.devices.tls.TlsConnection;
import io.flowswitch.devices.tls.TlsEndpoints;
import io.flowswitch.devices.tls.TlsSink;
import io.flowswitch.devices.tls.TlsSinkKind;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.Flows;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the {@link HttpsFileServer}: handshake, then requests one after another until
 * the client closes, asks to close, idles past the timeout, or a response is cut. Runs on its own thread
 * and blocks there.
 *
 * <p>The connection is registered with {@link TlsEndpoints} for its whole life, so each response's flow (or
 * software path) names it in its {@code tls-sink} stage. Request heads are the only bytes this class reads
 * and response heads the only bytes it writes; bodies are the devices' business.
 */
final class ConnectionHandler implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    private final HttpsFileServer server;
    private final Socket socket;
    private final byte[] head = new byte[HttpRequestHead.MAX_HEAD_BYTES];
    private int headFilled;
    private TlsConnection connection;
    private String name;
    private Chunk softwareChunk;

    ConnectionHandler(HttpsFileServer server, Socket socket) {
        this.server = server;
        this.socket = socket;
    }

    @Override
    public void run() {
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, server.settings().idleTimeoutMs()));
            connection = TlsConnection.server(socket, server.settings().tls());
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            return;
        }
        server.opened(connection);
        name = TlsEndpoints.register(connection);
        try {
            connection.handshake();
            boolean keepAlive = true;
            while (keepAlive && !server.isClosed()) {
                final int headLength = readHead();
                if (headLength < 0) {
                    break;
                }
                try {
                    keepAlive = respond(headLength);
                } finally {
                    server.counters().responseEnded();
                }
            }
        } catch (DeviceException e) {
            // The client left, idled out or failed the handshake: nothing to answer.
            LOG.debug("connection from {} ended: {}", connection.peer(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("connection from {} failed: {}", connection.peer(), e.toString());
            connection.abort();
        } finally {
            TlsEndpoints.unregister(name);
            server.ended(connection);
            connection.close();
        }
    }

    /**
     * Reads until a whole request head is in {@link #head}; bytes after it (a pipelined request) stay for the
     * next call.
     *
     * @return the head's length, or -1 when the client closed between requests
     */
    private int readHead() {
        int end;
        while ((end = indexOfBlankLine()) < 0) {
            if (headFilled == head.length) {
                sendError(431, "Request Header Fields Too Large", "the request head is longer than "
                    + head.length + " bytes", false, "");
                return -1;
            }
            final int n;
            try {
                n = connection.read(head, headFilled, head.length - headFilled);
            } catch (DeviceException e) {
                if (headFilled == 0) {
                    // Between requests a client may just go: a reset, no close_notify, or idle too long.
                    return -1;
                }
                throw e;
            }
            if (n < 0) {
                return -1;
            }
            headFilled += n;
            skipLeadingBlankLines();
        }
        return end;
    }

    private int indexOfBlankLine() {
        outer:
        for (int i = 0; i + CRLFCRLF.length <= headFilled; i++) {
            for (int j = 0; j < CRLFCRLF.length; j++) {
                if (head[i + j] != CRLFCRLF[j]) {
                    continue outer;
                }
            }
            return i + CRLFCRLF.length;
        }
        return -1;
    }

    /** RFC 9112 2.2: a server should ignore empty lines before a request line. */
    private void skipLeadingBlankLines() {
        int skip = 0;
        while (skip + 1 < headFilled && head[skip] == '\r' && head[skip + 1] == '\n') {
            skip += 2;
        }
        if (skip > 0) {
            consume(skip);
        }
    }

    private void consume(int bytes) {
        System.arraycopy(head, bytes, head, 0, headFilled - bytes);
        headFilled -= bytes;
    }

    /** Answers one request; returns whether the connection stays open for another. */
    private boolean respond(int headLength) {
        server.counters().requests.incrementAndGet();
        final HttpRequestHead request;
        try {
            request = HttpRequestHead.parse(head, headLength);
        } catch (HttpRequestHead.BadRequest e) {
            sendError(e.status(), e.status() == 505 ? "HTTP Version Not Supported" : "Bad Request", e.getMessage(),
                false, "");
            return false;
        } finally {
            consume(headLength);
        }
        final boolean headOnly = request.method().equals("HEAD");
        final boolean hasBody = request.header("transfer-encoding") != null
            || (request.header("content-length") != null && !request.header("content-length").equals("0"));
        if (!headOnly && !request.method().equals("GET")) {
            // The body, if any, is not read: the connection cannot carry another request after it.
            sendError(405, "Method Not Allowed", "only GET and HEAD are served", request.keepAlive() && !hasBody,
                "Allow: GET, HEAD\r\n");
            return request.keepAlive() && !hasBody;
        }
        if (hasBody) {
            sendError(400, "Bad Request", "a GET or HEAD request with a body", false, "");
            return false;
        }
        final boolean keepAlive = request.keepAlive();
        final RequestPaths.Resolution resolution = server.paths().resolve(request.target());
        if (resolution.status() != 200) {
            final int status = resolution.status();
            sendError(status, reason(status), resolution.reason(), keepAlive && status != 400, "");
            LOG.debug("{} {} -> {} ({})", request.method(), request.target(), status, resolution.reason());
            return keepAlive && status != 400;
        }
        final Path file = resolution.file();
        final long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            sendError(404, "Not Found", "no such file", keepAlive, "");
            return keepAlive;
        }
        final ByteRange range = ByteRange.of(request.header("range"), size);
        if (!range.satisfiable()) {
            sendError(416, "Range Not Satisfiable", "the range starts past the end of the file", keepAlive,
                "Content-Range: bytes */" + size + "\r\n");
            return keepAlive;
        }
        final StringBuilder response = new StringBuilder(256)
            .append(range.partial() ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n")
            .append("Server: flowswitch\r\n")
            .append("Content-Type: ").append(contentType(file)).append("\r\n")
            .append("Content-Length: ").append(range.length()).append("\r\n")
            .append("Accept-Ranges: bytes\r\n");
        if (range.partial()) {
            response.append("Content-Range: bytes ").append(range.start()).append('-')
                .append(range.start() + range.length() - 1).append('/').append(size).append("\r\n");
        }
        response.append(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n").append("\r\n");
        writeText(response.toString());
        if (headOnly || range.length() == 0) {
            return keepAlive;
        }
        final boolean complete = range.length() < server.settings().smallFileBytes()
            ? softwarePath(file, range)
            : flowPath(file, range, request.target());
        if (!complete) {
            server.counters().cutResponses.incrementAndGet();
            return false;
        }
        return keepAlive;
    }

    /** The body as a flow on the node: file region to TLS. Returns whether every byte was sent. */
    private boolean flowPath(Path file, ByteRange range, String target) {
        final FlowSpec spec = Flows.from(StageSpec.of(FileRegionSourceKind.NAME, FileRegionSourceKind.PATH,
                file.toString(), FileRegionSourceKind.OFFSET, Long.toString(range.start()),
                FileRegionSourceKind.LENGTH, Long.toString(range.length())))
            .to(StageSpec.of(TlsSinkKind.NAME, TlsSinkKind.CONNECTION, name))
            .name("https GET " + target)
            .chunkBytes(server.settings().chunkBytes())
            .build();
        final FlowHandle flow = server.node().run(spec);
        server.counters().activeFlows.incrementAndGet();
        final Transfer transfer = new Transfer(flow::bytesDone, () -> flow.cancel("the client read nothing for "
            + server.settings().stallTimeoutMs() + " ms"));
        server.watch(transfer);
        FlowResult result;
        Throwable error;
        try {
            result = flow.completion().toCompletableFuture().get();
            error = result.error();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            flow.cancel("the server is stopping");
            result = null;
            error = e;
        } catch (ExecutionException | CompletionException e) {
            result = null;
            error = e.getCause();
        } finally {
            server.unwatch(transfer);
            server.counters().activeFlows.decrementAndGet();
        }
        if (error == null) {
            server.counters().flowResponses.incrementAndGet();
            server.counters().bodyBytes.addAndGet(range.length());
            return true;
        }
        if (error instanceof FlowException refused && refused.code().equals("ADMISSION_REFUSED")
            && connection.isOpen()) {
            // Not admitted, so no byte was sent: the software path still answers.
            server.counters().refusedByNode.incrementAndGet();
            LOG.debug("{}: the node refused the flow ({}); software path", target, refused.getMessage());
            return softwarePath(file, range);
        }
        LOG.debug("{}: response cut after {} bytes: {}", target, result == null ? 0 : result.bytesOut(),
            error.getMessage());
        connection.abort();
        return false;
    }

    /**
     * The body on the software path: the same two devices, driven by this thread, one reusable chunk, no
     * flow. Returns whether every byte was sent.
     */
    private boolean softwarePath(Path file, ByteRange range) {
        final FlowContext context = new FlowContext(0, server.settings().chunkBytes(), Map.of());
        if (softwareChunk == null) {
            softwareChunk = Chunk.unpooled(server.settings().chunkBytes());
        }
        final long before = connection.plaintextBytesOut();
        final Transfer transfer = new Transfer(connection::plaintextBytesOut, connection::abort);
        server.watch(transfer);
        try (FileRegionSource source = new FileRegionSourceKind().create(DeviceParams.of("software path (file-region-source)",
                FileRegionSourceKind.PATH, file.toString(), FileRegionSourceKind.OFFSET, Long.toString(range.start()),
                FileRegionSourceKind.LENGTH, Long.toString(range.length())), context);
            TlsSink sink = new TlsSinkKind().create(DeviceParams.of("software path (tls-sink)",
                TlsSinkKind.CONNECTION, name), context)) {
            while (source.read(softwareChunk) >= 0) {
                sink.write(softwareChunk);
            }
            sink.finish();
            server.counters().softwareResponses.incrementAndGet();
            server.counters().bodyBytes.addAndGet(range.length());
            return true;
        } catch (DeviceException e) {
            LOG.debug("{}: response cut after {} bytes: {}", file, connection.plaintextBytesOut() - before,
                e.getMessage());
            connection.abort();
            return false;
        } finally {
            server.unwatch(transfer);
        }
    }

    private void sendError(int status, String reason, String detail, boolean keepAlive, String extraHeaders) {
        final String body = status + " " + reason + ": " + detail + "\n";
        writeText("HTTP/1.1 " + status + " " + reason + "\r\n"
            + "Server: flowswitch\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
            + extraHeaders
            + (keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n")
            + "\r\n" + body);
    }

    private void writeText(String text) {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        connection.write(bytes, 0, bytes.length);
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            default -> "Error";
        };
    }

    private static String contentType(Path file) {
        final String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        final int dot = name.lastIndexOf('.');
        final String extension = dot < 0 ? "" : name.substring(dot + 1);
        return switch (extension) {
            case "html", "htm" -> "text/html; charset=utf-8";
            case "txt", "md" -> "text/plain; charset=utf-8";
            case "css" -> "text/css";
            case "js" -> "text/javascript";
            case "json" -> "application/json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "pdf" -> "application/pdf";
            case "csv" -> "text/csv";
            default -> "application/octet-stream";
        };
    }

    private void closeQuietly() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException | RuntimeException e) {
            // Nothing was said on this socket yet.
        }
    }
}
