package io.flowswitch.devices;

import java.util.Map;

/**
 * What every forwarding device shares ({@link ForwardingSink}, {@link ForwardingSource},
 * {@link ForwardingTransform}): the wrapped device, its results and its close. The wrapper owns the wrapped
 * device and closes it. One thread at a time, as the wrapped device.
 *
 * @param <D> the wrapped device's role
 */
public abstract class ForwardingDevice<D extends Device> implements Device {
    /** The wrapped device. */
    protected final D device;

    protected ForwardingDevice(D device) {
        this.device = device;
    }

    @Override
    public Map<String, String> results() {
        return device.results();
    }

    @Override
    public void close() {
        device.close();
    }
}
