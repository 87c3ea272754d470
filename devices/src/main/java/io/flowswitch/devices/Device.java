package io.flowswitch.devices;

/**
 * The data face of one device instance, as a flow's stage drives it.
 *
 * <p>A device is created for one flow (one stage, one replica) by its {@link DeviceKind} and is called by
 * exactly one thread at a time, the stage's; it needs no locking. Its control face (capabilities,
 * health, leases, reset) is a device actor. Errors are {@link DeviceException}s that say what failed
 * and where.
 */
public interface Device extends AutoCloseable {
    /** Results the device reports on the signalling plane when its stage ends, e.g. {@code sha256 -> hex}. */
    default java.util.Map<String, String> results() {
        return java.util.Map.of();
    }

    /** Releases what the device holds (files, sockets, native state). Idempotent. Never throws. */
    @Override
    void close();
}
