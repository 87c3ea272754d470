package io.flowswitch.devices.tls;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code tls-source} device kind: receives TLS 1.3 records on a connection the application registered
 * ({@link TlsEndpoints}), authenticates and decrypts them, and produces the plaintext as the flow's bytes,
 * until the peer's {@code close_notify}. No byte of a record reaches the flow before its tag checked out.
 *
 * <p>Parameters: {@code connection} (required), the registered name.
 *
 * <p>Error codes: {@code BAD_PARAMETER}, {@code NO_CONNECTION}; while receiving {@code HANDSHAKE_FAILED},
 * {@code AUTH_FAILED}, {@code TRUNCATED} (the stream ended without {@code close_notify}), {@code TIMEOUT},
 * {@code PEER_RESET}, {@code IO}.
 *
 * <p>Stateful: a flow is pinned to its instance. Stateless and thread-safe itself; owns no buffers.
 */
public final class TlsSourceKind implements DeviceKind {
    public static final String NAME = "tls-source";
    public static final String CONNECTION = "connection";

    private static final Set<String> PARAMETERS = Set.of(CONNECTION);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.SOURCE)
        .setDescription("receives TLS 1.3 records on a registered connection, authenticates and decrypts them"
            + " (connection = name)")
        .addFunctions("receive-tls")
        .addFunctions("decrypt-tls13")
        .setStateful(true)
        .setPassThrough(false)
        .setHasSoftwarePath(false)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        params.requireOnly(PARAMETERS);
        params.required(CONNECTION, "the name under which the application registered the connection");
    }

    @Override
    public TlsSource create(DeviceParams params, FlowContext context) {
        validate(params, context);
        final String name = params.string(CONNECTION);
        return new TlsSource(params.stage(), name, TlsEndpoints.borrow(params.stage(), name, false),
            context.chunkBytes());
    }
}
