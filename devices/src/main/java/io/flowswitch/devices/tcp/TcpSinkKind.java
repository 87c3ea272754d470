package io.flowswitch.devices.tcp;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.devices.internal.ParamChecks;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code tcp-sink} device kind: sends a flow's bytes over one TCP connection it opens.
 *
 * <p>Parameters: {@code host} (default {@code 127.0.0.1}), {@code port} (required, 1 to 65535),
 * {@code connect-timeout-ms} (default 5000).
 *
 * <p>Error codes: {@code BAD_PARAMETER}; at create {@code CONNECT_REFUSED}, {@code UNREACHABLE},
 * {@code UNKNOWN_HOST}, {@code TIMEOUT}; while sending {@code PEER_RESET} (the peer closed or reset the
 * connection) and {@code IO}.
 *
 * <p>No separate software path: the device is the plain JDK socket. Stateless and thread-safe; each
 * {@link #create} opens its own connection. Owns no buffers.
 */
public final class TcpSinkKind implements DeviceKind {
    public static final String NAME = "tcp-sink";
    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String CONNECT_TIMEOUT_MS = "connect-timeout-ms";

    private static final Set<String> PARAMETERS = Set.of(HOST, PORT, CONNECT_TIMEOUT_MS);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.SINK)
        .setDescription("sends the flow over a TCP connection it opens (host = 127.0.0.1, port, connect-timeout-ms = 5000)")
        .addFunctions("send-tcp")
        // One byte stream on one connection: the flow must stay on this instance.
        .setStateful(true)
        .setPassThrough(false)
        .setHasSoftwarePath(false)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    /** Checks the parameters only: no name lookup, no connection. */
    @Override
    public void validate(DeviceParams params, FlowContext context) {
        Settings.of(params);
    }

    /**
     * Connects (blocking, up to the timeout: call it on the blocking-I/O dispatcher). The caller owns the
     * returned device and closes it.
     */
    @Override
    public TcpSink create(DeviceParams params, FlowContext context) {
        final Settings settings = Settings.of(params);
        return new TcpSink(params.stage(), settings.host, settings.port,
            TcpSupport.connect(params.stage(), settings.host, settings.port, settings.connectTimeoutMs, true));
    }

    /** The checked parameters. */
    private static final class Settings {
        final String host;
        final int port;
        final long connectTimeoutMs;

        private Settings(String host, int port, long connectTimeoutMs) {
            this.host = host;
            this.port = port;
            this.connectTimeoutMs = connectTimeoutMs;
        }

        static Settings of(DeviceParams params) {
            params.requireOnly(PARAMETERS);
            final String host = params.string(HOST, TcpSupport.DEFAULT_HOST).trim();
            if (host.isEmpty()) {
                throw params.bad(HOST, "must not be empty (default " + TcpSupport.DEFAULT_HOST + ")");
            }
            final int port = (int) ParamChecks.requiredLong(params, PORT, 1, 65_535);
            final long timeoutMs = params.longValue(CONNECT_TIMEOUT_MS, TcpSupport.DEFAULT_CONNECT_TIMEOUT_MS, 1,
                TcpSupport.MAX_TIMEOUT_MS);
            return new Settings(host, port, timeoutMs);
        }
    }
}
