package io.flowswitch.devices;

import io.flowswitch.devices.chunk.Chunk;

/**
 * Base for a sink that wraps another (a fault injected into it, a flow's rules for external events): every
 * call goes on to the wrapped sink unless the wrapper overrides it. {@link #writePart} is the exception: it
 * keeps the interface's default, which goes through {@link #write}, so that a wrapper sees every write,
 * partial ones too. Ownership of chunks is as for any sink: the caller keeps it. One thread at a time, as
 * the wrapped sink.
 */
public abstract class ForwardingSink extends ForwardingDevice<SinkDevice> implements SinkDevice {
    protected ForwardingSink(SinkDevice device) {
        super(device);
    }

    @Override
    public void write(Chunk chunk) {
        device.write(chunk);
    }

    @Override
    public void finish() {
        device.finish();
    }

    @Override
    public void abort(Throwable cause) {
        device.abort(cause);
    }
}
