package io.flowswitch.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A test client that sends request heads exactly as written (no path normalisation, unlike curl and the
 * JDK's HttpClient) over the JDK's SSLSocket, and reads responses with a Content-Length. One connection;
 * not thread-safe.
 */
final class RawHttpsClient implements AutoCloseable {
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttpsClient(SSLContext context, int port, int receiveBufferBytes) throws IOException {
        socket = (SSLSocket) context.getSocketFactory().createSocket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(20_000);
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        final javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName("localhost")));
        socket.setSSLParameters(parameters);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawHttpsClient(SSLContext context, int port) throws IOException {
        this(context, port, 0);
    }

    void send(String head) throws IOException {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Sends a GET for {@code target} (as written) with extra header lines, and reads the response. */
    Response get(String target, String... headerLines) throws IOException {
        final StringBuilder head = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        send(head.append("\r\n").toString());
        return read(false);
    }

    /** Reads one response; a HEAD response has no body whatever its Content-Length. */
    Response read(boolean headOnly) throws IOException {
        final ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            final int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended inside a response head");
            }
            headBytes.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        final String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        final int status = Integer.parseInt(lines[0].split(" ")[1]);
        final Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            final int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        final int length = headOnly ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
        final byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new IOException("the connection ended after " + body.length + " of " + length + " body bytes");
        }
        return new Response(status, headers, body);
    }

    InputStream input() {
        return in;
    }

    /** Resets the connection (no close_notify, linger 0): a client that vanishes. */
    void vanish() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
