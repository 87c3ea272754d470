package io.flowswitch.devices.tcp;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.IoReasons;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.devices.internal.ParamChecks;
import io.flowswitch.proto.DeviceCapabilities;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Set;

/**
 * The {@code tcp-source} device kind: reads a flow's bytes from one TCP connection, until the peer ends
 * the stream.
 *
 * <p>Two modes. Listening: {@code listen-port} (0 to 65535; 0 picks a free port, see
 * {@link TcpSource#boundPort()}), {@code bind-host} (default {@code 127.0.0.1}), {@code accept-timeout-ms}
 * (default 30000); the port is bound at create, so it is known before the peer connects, and exactly one
 * connection is accepted, at the first read. Connecting: {@code host} (default {@code 127.0.0.1}),
 * {@code port} (1 to 65535), {@code connect-timeout-ms} (default 5000). Parameters of the other mode are
 * rejected, so a mix-up is an error rather than a silent choice.
 *
 * <p>Error codes: {@code BAD_PARAMETER}; at create {@code BIND_FAILED}, {@code CONNECT_REFUSED},
 * {@code UNREACHABLE}, {@code UNKNOWN_HOST}, {@code TIMEOUT}; at the first read in listening mode
 * {@code TIMEOUT} (nobody connected); while receiving {@code PEER_RESET} and {@code IO}.
 *
 * <p>No separate software path: the device is the plain JDK socket. Stateless and thread-safe; each
 * {@link #create} opens its own socket. Owns no buffers.
 */
public final class TcpSourceKind implements DeviceKind {
    public static final String NAME = "tcp-source";
    public static final String LISTEN_PORT = "listen-port";
    public static final String BIND_HOST = "bind-host";
    public static final String ACCEPT_TIMEOUT_MS = "accept-timeout-ms";
    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String CONNECT_TIMEOUT_MS = "connect-timeout-ms";

    static final long DEFAULT_ACCEPT_TIMEOUT_MS = 30_000;

    private static final Set<String> PARAMETERS =
        Set.of(LISTEN_PORT, BIND_HOST, ACCEPT_TIMEOUT_MS, HOST, PORT, CONNECT_TIMEOUT_MS);
    private static final Set<String> LISTEN_ONLY = Set.of(LISTEN_PORT, BIND_HOST, ACCEPT_TIMEOUT_MS);
    private static final Set<String> CONNECT_ONLY = Set.of(HOST, PORT, CONNECT_TIMEOUT_MS);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.SOURCE)
        .setDescription("reads the flow from one TCP connection, accepted (listen-port, bind-host = 127.0.0.1,"
            + " accept-timeout-ms = 30000) or opened (host = 127.0.0.1, port, connect-timeout-ms = 5000)")
        .addFunctions("receive-tcp")
        // One byte stream from one connection: the flow must stay on this instance.
        .setStateful(true)
        .setPassThrough(false)
        .setHasSoftwarePath(false)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    /** Checks the parameters only: no name lookup, no socket. */
    @Override
    public void validate(DeviceParams params, FlowContext context) {
        Settings.of(params);
    }

    /**
     * Listening: binds the port now and accepts at the first read. Connecting: connects now (blocking, up
     * to the timeout: call it on the blocking-I/O dispatcher). The caller owns the returned device and
     * closes it.
     */
    @Override
    public TcpSource create(DeviceParams params, FlowContext context) {
        final Settings settings = Settings.of(params);
        final String stage = params.stage();
        if (!settings.listen) {
            return TcpSource.connected(stage, settings.host, settings.port, context.chunkBytes(),
                TcpSupport.connect(stage, settings.host, settings.port, settings.timeoutMs, false));
        }
        final String where = TcpSupport.endpoint(settings.host, settings.port);
        final InetSocketAddress address = new InetSocketAddress(settings.host, settings.port);
        if (address.isUnresolved()) {
            throw new DeviceException(TcpSupport.UNKNOWN_HOST,
                stage + ": cannot listen on " + where + ": unknown host");
        }
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open();
            // Backlog 1: the device accepts one connection; further peers should be refused, not queued.
            server.bind(address, 1);
            return TcpSource.listening(stage, settings.host, server, settings.timeoutMs, context.chunkBytes());
        } catch (BindException e) {
            TcpSupport.closeQuietly(server);
            throw new DeviceException(TcpSupport.BIND_FAILED,
                stage + ": cannot listen on " + where + ": " + IoReasons.of(e), e);
        } catch (IOException e) {
            TcpSupport.closeQuietly(server);
            throw new DeviceException(TcpSupport.IO, stage + ": cannot listen on " + where + ": " + IoReasons.of(e), e);
        }
    }

    /** The checked parameters of one mode; {@code host}/{@code port} are the bind address when listening. */
    private static final class Settings {
        final boolean listen;
        final String host;
        final int port;
        final long timeoutMs;

        private Settings(boolean listen, String host, int port, long timeoutMs) {
            this.listen = listen;
            this.host = host;
            this.port = port;
            this.timeoutMs = timeoutMs;
        }

        static Settings of(DeviceParams params) {
            params.requireOnly(PARAMETERS);
            final boolean listen = params.has(LISTEN_PORT);
            if (listen && params.has(PORT)) {
                throw params.bad(LISTEN_PORT, "cannot be combined with '" + PORT + "': give '" + LISTEN_PORT
                    + "' to accept a connection, or '" + PORT + "' (and '" + HOST + "') to open one");
            }
            if (!listen && !params.has(PORT)) {
                throw params.bad(PORT, "is required (or give '" + LISTEN_PORT + "' to accept one connection)");
            }
            for (String name : listen ? CONNECT_ONLY : LISTEN_ONLY) {
                if (params.has(name)) {
                    throw params.bad(name, listen
                        ? "is for opening a connection; with '" + LISTEN_PORT + "' use '" + BIND_HOST + "' and '"
                            + ACCEPT_TIMEOUT_MS + "'"
                        : "is for accepting a connection and needs '" + LISTEN_PORT + "'");
                }
            }
            final String hostName = listen ? BIND_HOST : HOST;
            final String host = params.string(hostName, TcpSupport.DEFAULT_HOST).trim();
            if (host.isEmpty()) {
                throw params.bad(hostName, "must not be empty (default " + TcpSupport.DEFAULT_HOST + ")");
            }
            if (listen) {
                final int port = (int) ParamChecks.requiredLong(params, LISTEN_PORT, 0, 65_535);
                final long timeoutMs = params.longValue(ACCEPT_TIMEOUT_MS, DEFAULT_ACCEPT_TIMEOUT_MS, 1,
                    TcpSupport.MAX_TIMEOUT_MS);
                return new Settings(true, host, port, timeoutMs);
            }
            final int port = (int) ParamChecks.requiredLong(params, PORT, 1, 65_535);
            final long timeoutMs = params.longValue(CONNECT_TIMEOUT_MS, TcpSupport.DEFAULT_CONNECT_TIMEOUT_MS, 1,
                TcpSupport.MAX_TIMEOUT_MS);
            return new Settings(false, host, port, timeoutMs);
        }
    }
}
