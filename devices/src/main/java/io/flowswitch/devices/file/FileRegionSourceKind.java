package io.flowswitch.devices.file;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.proto.DeviceCapabilities;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code file-region-source} device kind: reads {@code length} bytes of one regular file from byte
 * {@code offset}: a file region an application hands to a flow (an HTTP range, a part of a file).
 *
 * <p>Parameters: {@code path} (required), {@code offset} (default 0), {@code length} (required, bytes). A
 * region that reaches past the end of the file is an error at create, and a file that shrinks while it is
 * read fails the flow ({@code IO}), so the flow never sends fewer bytes than it announced.
 *
 * <p>Error codes: as {@code file-source}. Stateless and thread-safe; owns no buffers.
 */
public final class FileRegionSourceKind implements DeviceKind {
    public static final String NAME = "file-region-source";
    public static final String PATH = "path";
    public static final String OFFSET = "offset";
    public static final String LENGTH = "length";

    private static final Set<String> PARAMETERS = Set.of(PATH, OFFSET, LENGTH);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.SOURCE)
        .setDescription("reads a region of a regular file (path, offset = 0, length)")
        .addFunctions("read-file")
        .setStateful(true)
        .setPassThrough(false)
        .build();

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void validate(DeviceParams params, FlowContext context) {
        params.requireOnly(PARAMETERS);
        region(params);
        FileChecks.requireReadableFile(params.stage(), params.path(PATH));
    }

    /** Opens the file and checks the region lies inside it. The caller owns the device and closes it. */
    @Override
    public FileRegionSource create(DeviceParams params, FlowContext context) {
        params.requireOnly(PARAMETERS);
        final long[] region = region(params);
        final Path path = params.path(PATH);
        FileChecks.requireReadableFile(params.stage(), path);
        return FileRegionSource.open(params.stage(), path, region[0], region[1], context.chunkBytes());
    }

    private static long[] region(DeviceParams params) {
        if (!params.has(LENGTH)) {
            throw params.bad(LENGTH, "is required: the number of bytes to read from offset");
        }
        final long offset = params.longValue(OFFSET, 0, 0, Long.MAX_VALUE);
        final long length = params.longValue(LENGTH, 0, 0, Long.MAX_VALUE - offset);
        return new long[] {offset, length};
    }
}
