package io.flowswitch.devices.file;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.internal.KindCapabilities;
import io.flowswitch.devices.internal.ParamChecks;
import io.flowswitch.proto.DeviceCapabilities;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code file-source} device kind: reads one regular file from start to end.
 *
 * <p>Parameters: {@code path} (required), the file to read.
 *
 * <p>Error codes: {@code BAD_PARAMETER}, {@code NOT_FOUND} (nothing at the path), {@code NOT_READABLE}
 * (a directory, a pipe or device, or no permission), {@code IO} (a read failed).
 *
 * <p>Stateless and thread-safe; each {@link #create} opens the file anew for one stage. Owns no buffers.
 */
public final class FileSourceKind implements DeviceKind {
    public static final String NAME = "file-source";
    public static final String PATH = "path";

    private static final Set<String> PARAMETERS = Set.of(PATH);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.SOURCE)
        .setDescription("reads a regular file from start to end (path = the file)")
        .addFunctions("read-file")
        // One reader per file per flow: the read position is the device's state.
        .setStateful(true)
        .setPassThrough(false)
        .build();

    /** Reads chunk i at byte i times the chunk size: lanes of a flow each read their own chunks. */
    @Override
    public boolean positional() {
        return true;
    }

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    /** Checks the parameter and that the file exists and is readable; opens nothing. */
    @Override
    public void validate(DeviceParams params, FlowContext context) {
        params.requireOnly(PARAMETERS);
        FileChecks.requireReadableFile(params.stage(), params.path(PATH));
    }

    /** Opens the file. The caller owns the returned device and closes it. */
    @Override
    public FileSource create(DeviceParams params, FlowContext context) {
        params.requireOnly(PARAMETERS);
        final Path path = params.path(PATH);
        // Checked again: the file system may have changed since validate(), and opening a directory
        // succeeds on some systems, failing only at the first read with a less clear message. Permission is
        // left to the open, which reports it in the same words (and costs no look-up of its own).
        FileChecks.requireRegularFile(params.stage(), path);
        return FileSource.open(params.stage(), path, context.chunkBytes());
    }
}
