package io.flowswitch.devices;

import io.flowswitch.devices.chunk.Chunk;
import java.util.Map;

/**
 * Base for a sink that wraps another (a fault injected into it, a flow's rules for external events): every
 * call goes on to the wrapped sink unless the wrapper overrides it. {@link #writePart} is the exception: it
 * keeps the interface's default, which goes through {@link #write}, so that a wrapper sees every write,
 * partial ones too. Ownership of chunks is as for any sink: the caller keeps it. The wrapper owns the
 * wrapped sink and closes it. One thread at a time, as the wrapped sink.
 */
public abstract class ForwardingSink implements SinkDevice {
    /** The wrapped sink. */
    protected final SinkDevice device;

    protected ForwardingSink(SinkDevice device) {
        this.device = device;
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

    @Override
    public Map<String, String> results() {
        return device.results();
    }

    @Override
    public void close() {
        device.close();
    }
}
