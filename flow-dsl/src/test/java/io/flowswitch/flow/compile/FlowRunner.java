package io.flowswitch.flow.compile;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.testkit.StreamSystem;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs compiled flows for a test class without a node: one actor system and materializer for the class
 * (register it as a static {@code @RegisterExtension} field), the built-in devices, no grants.
 */
final class FlowRunner implements BeforeAllCallback, AfterAllCallback {
    private final StreamSystem streams;

    FlowRunner(String systemName) {
        this.streams = new StreamSystem(systemName);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        streams.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        streams.afterAll(context);
    }

    Materializer materializer() {
        return streams.materializer();
    }

    /** Compiles {@code spec}: opens its files and sockets and creates its devices. */
    CompiledFlow compile(FlowSpec spec, long flowId) {
        return new FlowCompiler(DeviceCatalog.builtIn(), null).compile(spec, flowId);
    }

    /** Starts {@code flow}; the future completes with its result. */
    CompletableFuture<FlowResult> start(CompiledFlow flow) {
        return flow.run(streams.materializer()).toCompletableFuture();
    }

    /** Compiles and runs {@code spec} to its result, waiting at most {@code timeoutSeconds}. */
    FlowResult run(FlowSpec spec, long flowId, long timeoutSeconds) throws Exception {
        return start(compile(spec, flowId)).get(timeoutSeconds, TimeUnit.SECONDS);
    }
}
