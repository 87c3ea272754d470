package io.flowswitch.actors;

import com.typesafe.config.Config;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.Grants;
import io.flowswitch.scheduler.PoolDefaults;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A flow manager over the built-in devices for a test class (register it as a static
 * {@code @RegisterExtension} field): an actor test kit configured by {@code config}, an embedded media
 * driver, the pool and grants the class asks for, and fresh flow ids. Everything stops after the class.
 */
final class ManagerFixture implements BeforeAllCallback, AfterAllCallback {
    private final String systemName;
    private final Config config;
    private final DevicePool pool;
    private final Grants grants;
    private final AtomicLong nextFlowId = new AtomicLong(1);
    private ActorTestKit testKit;
    private MediaDriverNode driver;
    private ActorRef<FlowManager.Command> manager;

    ManagerFixture(String systemName, Config config, DevicePool pool, Grants grants) {
        this.systemName = systemName;
        this.config = config;
        this.pool = pool;
        this.grants = grants;
    }

    /** The standard pool of the built-in devices, with {@code flowswitch.pool} of {@code config} over it. */
    static DevicePool configuredPool(Config config) {
        return DevicePool.fromConfig(config, standardPool());
    }

    /** The standard pool of the built-in devices. */
    static DevicePool standardPool() {
        return DevicePool.fromCatalog(DeviceCatalog.builtIn(), PoolDefaults.STANDARD);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        testKit = ActorTestKit.create(systemName, config);
        driver = MediaDriverNode.launch();
        manager = testKit.spawn(FlowManager.create(new FlowCompiler(DeviceCatalog.builtIn(), driver),
            pool, grants, 8), "manager");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        testKit.shutdownTestKit();
        driver.close();
    }

    ActorRef<FlowManager.Command> manager() {
        return manager;
    }

    <T> TestProbe<T> probe() {
        return testKit.createTestProbe();
    }

    /** A flow id no other flow of this class has used. */
    long nextFlowId() {
        return nextFlowId.getAndIncrement();
    }
}
