package io.flowswitch.devices.link;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.util.Set;

/**
 * The {@code pipe-source} device kind: the flow's bytes are what an application writes into an {@link AppPipe}
 * (or lends as {@link SharedPage}s), until it closes the pipe. The source side of a linked socket: the
 * application writes once, the flow encrypts and sends.
 *
 * <p>Parameters: {@code pipe} (required), the pipe's name. Error codes: {@code BAD_PARAMETER},
 * {@code NO_PIPE}. Chunks are lent, not filled: the pipe's staging chunks and the application's pages travel
 * through the flow as they are (see {@link io.flowswitch.devices.SourceDevice#lentChunk()}), so the flow
 * must use fused ports.
 */
public final class PipeSourceKind implements DeviceKind {
    public static final String NAME = "pipe-source";
    public static final String PIPE = "pipe";

    private static final Set<String> PARAMETERS = Set.of(PIPE);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.SOURCE)
        .setDescription("the bytes an application writes into a pipe, or lends as shared pages (pipe = name)")
        .addFunctions("receive-application")
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
        params.required(PIPE, "the name of the application's pipe");
    }

    @Override
    public PipeSource create(DeviceParams params, FlowContext context) {
        validate(params, context);
        final AppPipe pipe = AppPipe.find(params.stage(), params.string(PIPE));
        if (pipe.chunkBytes() > context.chunkBytes()) {
            throw params.bad(PIPE, "has " + pipe.chunkBytes() + "-byte chunks, more than the flow's "
                + context.chunkBytes());
        }
        return new PipeSource(params.stage(), pipe);
    }
}
