package io.flowswitch.devices.file;

import io.flowswitch.devices.DeviceException;
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
 * The {@code file-sink} device kind: writes a flow to a file that appears under its name only when the
 * flow completed.
 *
 * <p>Parameters: {@code path} (required), the file to write; {@code overwrite} ({@code true} or
 * {@code false}, default {@code true}), whether an existing file may be replaced; {@code sync}
 * ({@code true} or {@code false}, default {@code false}), whether {@code finish} forces the data and the
 * rename to the disk before it returns.
 *
 * <p>Error codes: {@code BAD_PARAMETER}, {@code NOT_FOUND} (the directory does not exist),
 * {@code NOT_WRITABLE} (not a directory, no permission, or the target is a directory),
 * {@code ALREADY_EXISTS} (with {@code overwrite = false}), {@code NO_SPACE}, {@code IO}.
 *
 * <p>Stateless and thread-safe; each {@link #create} makes a fresh partial file for one stage. Owns no
 * buffers.
 */
public final class FileSinkKind implements DeviceKind {
    public static final String NAME = "file-sink";
    public static final String PATH = "path";
    public static final String OVERWRITE = "overwrite";
    public static final String SYNC = "sync";

    private static final Set<String> PARAMETERS = Set.of(PATH, OVERWRITE, SYNC);
    private static final DeviceCapabilities CAPABILITIES = KindCapabilities.builder(NAME, DeviceRole.SINK)
        .setDescription("writes a file that appears under its name only when the flow completes"
            + " (path, overwrite = true, sync = false)")
        .addFunctions("write-file")
        // Bytes are appended in order to one partial file: the flow must stay on this instance.
        .setStateful(true)
        .setPassThrough(false)
        .build();

    /** Writes each chunk at its byte offset: lanes of a flow write into one file at once. */
    @Override
    public boolean positional() {
        return true;
    }

    @Override
    public DeviceCapabilities capabilities() {
        return CAPABILITIES;
    }

    /** Checks the parameters and that the target's directory exists and is writable; creates nothing. */
    @Override
    public void validate(DeviceParams params, FlowContext context) {
        params.requireOnly(PARAMETERS);
        final Path path = params.path(PATH);
        final boolean overwrite = ParamChecks.bool(params, OVERWRITE, true);
        ParamChecks.bool(params, SYNC, false);
        FileChecks.requireWritableTarget(params.stage(), path, overwrite);
    }

    /**
     * Creates the partial file next to the target. The caller owns the returned device and closes it.
     *
     * <p>The file system may have changed since {@link #validate}, so the target is checked again, but only what
     * creating the partial file cannot tell by failing (one look-up of the target); a directory that is missing
     * or not writable is found by that creation, and reported with the same sentence as {@code validate}'s.
     */
    @Override
    public FileSink create(DeviceParams params, FlowContext context) {
        params.requireOnly(PARAMETERS);
        final Path path = params.path(PATH);
        final boolean overwrite = ParamChecks.bool(params, OVERWRITE, true);
        final boolean sync = ParamChecks.bool(params, SYNC, false);
        try {
            FileChecks.requireReplaceableTarget(params.stage(), path, overwrite);
        } catch (DeviceException e) {
            // A directory that is the problem comes first, as in validate().
            FileChecks.requireWritableDirectory(params.stage(), path);
            throw e;
        }
        return FileSink.open(params.stage(), path, overwrite, sync);
    }
}
