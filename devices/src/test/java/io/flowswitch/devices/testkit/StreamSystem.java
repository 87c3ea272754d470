package io.flowswitch.devices.testkit;

import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One actor system and materializer for a test class that runs streams (register it as a static
 * {@code @RegisterExtension} field); the system is terminated after the class, waiting at most 10 s.
 */
public final class StreamSystem implements BeforeAllCallback, AfterAllCallback {
    private final String systemName;
    private ActorSystem system;
    private Materializer materializer;

    public StreamSystem(String systemName) {
        this.systemName = systemName;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        system = ActorSystem.create(systemName);
        materializer = Materializer.createMaterializer(system);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public ActorSystem system() {
        return system;
    }

    public Materializer materializer() {
        return materializer;
    }
}
