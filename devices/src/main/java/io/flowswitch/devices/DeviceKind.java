package io.flowswitch.devices;

import io.flowswitch.proto.DeviceCapabilities;

/**
 * A kind of device (e.g. {@code aes-gcm-encrypt}): what it can do, and a factory of instances.
 *
 * <p>Implementations are stateless and thread-safe; each {@link #create} makes a fresh instance for one
 * stage (or one replica of a stage) of one flow.
 */
public interface DeviceKind {
    /** Stable name used in flow specs, FML and the CLI, e.g. {@code "file-source"}: the capabilities' kind. */
    default String name() {
        return capabilities().getKind();
    }

    /** The capabilities' role. */
    default DeviceRole role() {
        return DeviceRole.valueOf(capabilities().getRole());
    }

    /**
     * Whether instances block their thread (files, sockets, a modelled accelerator's delay): their stages
     * then run on the blocking-I/O dispatcher, never on the one that runs actors and CPU-bound stages.
     */
    default boolean blocking() {
        return role() != DeviceRole.TRANSFORM;
    }

    /**
     * For a source: instances can read chunk {@code i} directly ({@link SourceDevice#readChunk}). For a
     * sink: instances are {@link PositionalSink}s, writing each chunk at its byte offset, from several
     * threads at once. With a positional source and sink and only {@link #laneSafe()} transforms between
     * them, a replicated flow runs as parallel lanes that share nothing but the two files.
     */
    default boolean positional() {
        return false;
    }

    /**
     * For a transform: one output chunk per input chunk, which depends only on that chunk and its
     * sequence number, at a byte offset known from the chunk alone (a cipher in counter mode, a rate
     * limiter). Such a stage can run in every lane of a laned flow, each lane seeing only some chunks.
     */
    default boolean laneSafe() {
        return false;
    }

    /**
     * For a kind with the pass-through capability: 0 when it can leave any range untouched, else the most
     * bytes it can leave, and then only a range that starts at the first payload byte (an AEAD cipher
     * authenticates a short clear prefix; it cannot leave a hole in the middle).
     */
    default int passThroughPrefixMaxBytes() {
        return 0;
    }

    /** One line for {@code flowswitch devices}: the capabilities' description. */
    default String description() {
        return capabilities().getDescription();
    }

    /**
     * What the kind can do, as the signalling plane describes it: kind, role, description, functions,
     * limits (instances and measured rate are filled in by the node).
     */
    DeviceCapabilities capabilities();

    /**
     * Checks parameters without creating anything, so a flow is rejected before it starts.
     *
     * @throws DeviceException with code {@code BAD_PARAMETER} naming the parameter and what would be right
     */
    void validate(DeviceParams params, FlowContext context);

    /**
     * Creates an instance for one stage of one flow. Opens what it needs (files, sockets).
     *
     * @throws DeviceException when the instance cannot be created (missing file, refused connection, ...)
     */
    Device create(DeviceParams params, FlowContext context);
}
