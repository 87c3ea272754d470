package io.flowswitch.devices.link;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.crypto.AesGcmEncryptKind;
import io.flowswitch.devices.tcp.TcpSink;
import io.flowswitch.devices.tcp.TcpSinkKind;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code aes-gcm-tcp-sink} device kind: an AES-256-GCM crypto context linked to a TCP socket, in one
 * stage. Each chunk is sealed in place into a record of the project's stream format (docs/encrypted-format.md)
 * and written to the socket by the same thread: no hand-off between cipher and socket. The same {@code
 * aes-gcm-encrypt} and {@code tcp-sink} devices inside, so the bytes are those of the two-stage chain.
 *
 * <p>Parameters: {@code key} (and optional {@code salt-hex}) as {@code aes-gcm-encrypt}; {@code host},
 * {@code port}, {@code connect-timeout-ms} as {@code tcp-sink}. Error codes: theirs.
 *
 * <p>Stateful (record numbers, one connection): a flow is pinned to its instance.
 */
public final class AesGcmTcpSinkKind implements DeviceKind {
    public static final String NAME = "aes-gcm-tcp-sink";
    private static final Set<String> CIPHER = Set.of("key", "salt-hex");
    private static final Set<String> SOCKET = Set.of(TcpSinkKind.HOST, TcpSinkKind.PORT, TcpSinkKind.CONNECT_TIMEOUT_MS);

    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.SINK)
        .setDescription("seals the flow into AES-256-GCM records and sends them over TCP in one stage"
            + " (key, host = 127.0.0.1, port, connect-timeout-ms = 5000)")
        .addFunctions("encrypt-aes-256-gcm")
        .addFunctions("send-tcp")
        .setStateful(true)
        .setPassThrough(false)
        .setHasSoftwarePath(false)
        .build();

    private final AesGcmEncryptKind cipherKind = new AesGcmEncryptKind();
    private final TcpSinkKind socketKind = new TcpSinkKind();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        params.requireOnly(union());
        cipherKind.validate(part(params, CIPHER), context);
        socketKind.validate(part(params, SOCKET), context);
    }

    /** Connects and makes the cipher; the caller owns the device. */
    @Override
    public AesGcmTcpSink create(DeviceParams params, FlowContext context) {
        params.requireOnly(union());
        final Device cipher = cipherKind.create(part(params, CIPHER), context);
        try {
            final TcpSink socket = socketKind.create(part(params, SOCKET), context);
            return new AesGcmTcpSink(params.stage(), context.flowId(), context.chunkBytes(), (TransformDevice) cipher,
                socket);
        } catch (RuntimeException e) {
            cipher.close();
            throw e;
        }
    }

    private static Set<String> union() {
        final java.util.Set<String> all = new java.util.HashSet<>(CIPHER);
        all.addAll(SOCKET);
        return all;
    }

    private static DeviceParams part(DeviceParams params, Set<String> names) {
        final Map<String, String> values = new HashMap<>();
        params.asMap().forEach((name, value) -> {
            if (names.contains(name)) {
                values.put(name, value);
            }
        });
        return new DeviceParams(params.stage(), values);
    }
}
