package io.flowswitch.actors;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.scheduler.DevicePool;
import io.flowswitch.scheduler.Grants;
import io.flowswitch.scheduler.RateChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;

/** Flow managers for tests that bring device kinds or rate sensing of their own. */
final class TestManagers {
    private TestManagers() {
    }

    /** The built-in device kinds, each passed through {@code replace}, then {@code extra}. */
    static DeviceCatalog builtIn(UnaryOperator<DeviceKind> replace, DeviceKind... extra) {
        final List<DeviceKind> kinds = new ArrayList<>();
        for (DeviceKind kind : DeviceCatalog.builtIn().kinds()) {
            kinds.add(replace.apply(kind));
        }
        kinds.addAll(List.of(extra));
        return new DeviceCatalog(kinds);
    }

    /** The built-in device kinds and {@code extra}. */
    static DeviceCatalog builtInWith(DeviceKind... extra) {
        return builtIn(UnaryOperator.identity(), extra);
    }

    /**
     * Sensing of {@code kind} (not self-benchmarked) where only samples of 1 GiB count: a test's own flows are too
     * small to move the measured rate, and the test moves it with one such sample.
     */
    static FlowManager.RateSensing sensedByLargeSamples(String kind) {
        return new FlowManager.RateSensing(Map.of(), Set.of(kind), Set.of(kind), FlowManager.DEFAULT_HALF_LIFE_NS,
            1L << 30, RateChange.DEFAULT);
    }

    /**
     * A manager named "manager" over {@code catalog} and {@code pool}, every device granted, ports of 8 chunks;
     * {@code sensing} null for the catalog's defaults, {@code driver} null for no Aeron.
     */
    static ActorRef<FlowManager.Command> spawn(ActorTestKit testKit, DeviceCatalog catalog, DevicePool pool,
        FlowManager.RateSensing sensing, MediaDriverNode driver) {
        final FlowCompiler compiler = new FlowCompiler(catalog, driver);
        return testKit.spawn(FlowManager.create(compiler, pool, Grants.unrestricted(), 8,
            sensing != null ? sensing : FlowManager.RateSensing.defaults(catalog), null), "manager");
    }
}
