package io.flowswitch.devices.tls;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code tls-sink} device kind: encrypts a flow into TLS 1.3 records (the JDK's {@code SSLEngine}) and
 * sends them on a connection the application registered ({@link TlsEndpoints}): a crypto context linked to
 * a socket, so one hand-over of plaintext (or of a file region) encrypts and sends.
 *
 * <p>Parameters: {@code connection} (required), the registered name; {@code end} = {@code keep-open}
 * (default: the connection stays open for the application's next use, e.g. the next HTTP response) or
 * {@code close-notify} (the flow's end is the stream's end: {@code close_notify}, then the output is shut).
 *
 * <p>Error codes: {@code BAD_PARAMETER}, {@code NO_CONNECTION}; while sending {@code HANDSHAKE_FAILED},
 * {@code PEER_RESET}, {@code TIMEOUT}, {@code CLOSED}, {@code IO}. A failed or cancelled flow resets the
 * connection, so the peer never takes a cut stream for a complete one.
 *
 * <p>Stateful (keys and record sequence numbers): a flow is pinned to its instance. Stateless and
 * thread-safe itself. Owns no buffers; its connection owns two reusable record buffers.
 */
public final class TlsSinkKind implements DeviceKind {
    public static final String NAME = "tls-sink";
    public static final String CONNECTION = "connection";
    public static final String END = "end";
    public static final String KEEP_OPEN = "keep-open";
    public static final String CLOSE_NOTIFY = "close-notify";

    private static final Set<String> PARAMETERS = Set.of(CONNECTION, END);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.SINK)
        .setDescription("encrypts the flow into TLS 1.3 records and sends them on a registered connection"
            + " (connection = name, end = keep-open | close-notify)")
        .addFunctions("send-tls")
        .addFunctions("encrypt-tls13")
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
        settings(params);
    }

    /** Borrows the connection for this flow; the caller owns the device and closes it (ending the loan). */
    @Override
    public TlsSink create(DeviceParams params, FlowContext context) {
        final boolean closeNotify = settings(params);
        final String name = params.string(CONNECTION);
        return new TlsSink(params.stage(), name, TlsEndpoints.borrow(params.stage(), name, true), closeNotify);
    }

    /** Checks the parameters; returns whether the flow ends with {@code close_notify}. */
    private static boolean settings(DeviceParams params) {
        params.requireOnly(PARAMETERS);
        params.required(CONNECTION, "the name under which the application registered the connection");
        final String end = params.string(END, KEEP_OPEN);
        if (!end.equals(KEEP_OPEN) && !end.equals(CLOSE_NOTIFY)) {
            throw params.bad(END, "must be " + KEEP_OPEN + " or " + CLOSE_NOTIFY + ", got '" + end + "'");
        }
        return end.equals(CLOSE_NOTIFY);
    }
}
