package io.flowswitch.devices.tcp;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.internal.IoReasons;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Locale;

/** Connecting, naming endpoints and classifying socket errors, shared by the TCP devices. Stateless. */
final class TcpSupport {
    static final String CONNECT_REFUSED = "CONNECT_REFUSED";
    static final String UNREACHABLE = "UNREACHABLE";
    static final String UNKNOWN_HOST = "UNKNOWN_HOST";
    static final String TIMEOUT = "TIMEOUT";
    static final String BIND_FAILED = "BIND_FAILED";
    static final String PEER_RESET = "PEER_RESET";
    static final String IO = "IO";

    static final String DEFAULT_HOST = "127.0.0.1";
    static final long DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
    static final long MAX_TIMEOUT_MS = 3_600_000;

    private TcpSupport() {
    }

    /** {@code host:port}, with brackets around an IPv6 literal so the port stays readable. */
    static String endpoint(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code host:port} of a socket address, preferring the name the user gave. */
    static String endpoint(InetSocketAddress address) {
        final String host = address.getHostString();
        return endpoint(host, address.getPort());
    }

    /**
     * Opens a blocking socket channel connected to {@code host:port}, or throws an error that names the
     * stage, the endpoint and why. The caller owns the channel.
     */
    static SocketChannel connect(String stage, String host, int port, long timeoutMs, boolean noDelay) {
        final String where = endpoint(host, port);
        // Resolves the name here, on the blocking dispatcher, not in validate(): a lookup can take seconds.
        final InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new DeviceException(UNKNOWN_HOST, stage + ": cannot connect to " + where + ": unknown host");
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            if (noDelay) {
                // Chunks are written whole; Nagle would only hold back the tail of each one.
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            // The socket adaptor's connect is the JDK's blocking connect with a timeout.
            channel.socket().connect(address, (int) timeoutMs);
            return channel;
        } catch (SocketTimeoutException e) {
            closeQuietly(channel);
            throw new DeviceException(TIMEOUT,
                stage + ": cannot connect to " + where + ": no answer within " + timeoutMs + " ms", e);
        } catch (NoRouteToHostException e) {
            closeQuietly(channel);
            throw new DeviceException(UNREACHABLE,
                stage + ": cannot connect to " + where + ": " + IoReasons.of(e), e);
        } catch (ConnectException e) {
            closeQuietly(channel);
            final boolean refused = e.getMessage() != null
                && e.getMessage().toLowerCase(Locale.ROOT).contains("refused");
            throw new DeviceException(refused ? CONNECT_REFUSED : UNREACHABLE,
                stage + ": cannot connect to " + where + ": " + IoReasons.of(e)
                    + (refused ? " (is anything listening on port " + port + "?)" : ""), e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DeviceException(IO, stage + ": cannot connect to " + where + ": " + IoReasons.of(e), e);
        }
    }

    /**
     * A {@code PEER_RESET} error when the peer reset or closed the connection, else {@code IO}; the message
     * names the stage, what was being done, the endpoint and the byte count.
     */
    static DeviceException streamError(String stage, String doing, String where, long bytes, IOException e) {
        final String code = isPeerGone(e) ? PEER_RESET : IO;
        final String why = code.equals(PEER_RESET) ? "the peer closed or reset the connection ("
            + IoReasons.of(e) + ")" : IoReasons.of(e);
        return new DeviceException(code, stage + ": " + doing + " " + where + " failed after " + bytes + " bytes: "
            + why, e);
    }

    /** ECONNRESET and EPIPE, as the JDK words them on Linux, macOS and Windows. */
    static boolean isPeerGone(IOException e) {
        final String message = e.getMessage();
        if (message == null) {
            return false;
        }
        final String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("connection reset") || lower.contains("broken pipe")
            || lower.contains("connection was aborted") || lower.contains("forcibly closed");
    }

    static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is the last thing done with the socket; the error already reported says why.
        }
    }
}
