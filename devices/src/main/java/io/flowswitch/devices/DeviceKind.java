package io.flowswitch.devices;

import io.flowswitch.proto.DeviceCapabilities;

/**
 * A kind of device (e.g. {@code aes-gcm-encrypt}): what it can do, and a factory of instances.
 *
 * <p>Implementations are stateless and thread-safe; each {@link #create} makes a fresh instance for one
 * stage (or one replica of a stage) of one flow.
 */
public interface DeviceKind {
    /** Stable name used in flow specs, FML and the CLI, e.g. {@code "file-source"}. */
    String name();

    DeviceRole role();

    /**
     * Whether instances block their thread (files, sockets, a modelled accelerator's delay): their stages
     * then run on the blocking-I/O dispatcher, never on the one that runs actors and CPU-bound stages.
     */
    default boolean blocking() {
        return role() != DeviceRole.TRANSFORM;
    }

    /** One line for {@code flowswitch devices}. */
    String description();

    /** What the kind can do, as the signalling plane describes it (instances and rate are filled in by the pool). */
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
