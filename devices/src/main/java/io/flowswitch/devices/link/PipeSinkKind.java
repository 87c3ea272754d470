package io.flowswitch.devices.link;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.SinkDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Map;
import java.util.Set;

/**
 * The {@code pipe-sink} device kind: the flow's bytes go to an application's {@link AppInbox}, which it
 * reads as a stream. The receiving side of a linked socket: {@code tcp-source -> aes-gcm-decrypt ->
 * pipe-sink} hands the application only authenticated plaintext.
 *
 * <p>Parameters: {@code pipe} (required), the inbox's name. Error codes: {@code BAD_PARAMETER}, {@code
 * NO_PIPE}; {@code CLOSED} when the application closed its inbox while the flow still delivers.
 */
public final class PipeSinkKind implements DeviceKind {
    public static final String NAME = "pipe-sink";
    public static final String PIPE = "pipe";

    private static final Set<String> PARAMETERS = Set.of(PIPE);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.SINK)
        .setDescription("hands the flow's bytes to an application's inbox, which it reads as a stream (pipe = name)")
        .addFunctions("deliver-application")
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
        params.required(PIPE, "the name of the application's inbox");
    }

    @Override
    public SinkDevice create(DeviceParams params, FlowContext context) {
        validate(params, context);
        final String stage = params.stage();
        final AppInbox inbox = AppInbox.find(stage, params.string(PIPE));
        return new SinkDevice() {
            private long bytes;
            private boolean ended;

            @Override
            public void write(Chunk chunk) {
                inbox.deliver(stage, chunk);
                bytes += chunk.payloadLength();
            }

            @Override
            public void finish() {
                if (!ended) {
                    ended = true;
                    inbox.end(null);
                }
            }

            @Override
            public void abort(Throwable cause) {
                if (!ended) {
                    ended = true;
                    inbox.end(cause == null || cause.getMessage() == null ? "the flow was aborted" : cause.getMessage());
                }
            }

            @Override
            public Map<String, String> results() {
                return Map.of("bytes", Long.toString(bytes));
            }

            @Override
            public void close() {
                abort(null);
            }
        };
    }
}
