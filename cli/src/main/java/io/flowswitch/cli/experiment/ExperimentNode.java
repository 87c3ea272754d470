package io.flowswitch.cli.experiment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.javadsl.FlowSwitch;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Starts the node an experiment runs on: the built-in devices plus its own, and its configuration. */
public final class ExperimentNode {
    private ExperimentNode() {
    }

    /**
     * A node configured by {@code hocon} over the default configuration, with the built-in device kinds and
     * {@code extraKinds}. The caller closes it.
     */
    public static FlowSwitch start(String hocon, DeviceKind... extraKinds) {
        // As the CLI does: set logging up before the node's threads race to (SLF4J warns about that).
        LoggerFactory.getILoggerFactory();
        ConfigFactory.invalidateCaches();
        final Config config = ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve();
        final List<DeviceKind> kinds = new ArrayList<>(DeviceCatalog.builtIn().kinds());
        kinds.addAll(List.of(extraKinds));
        return FlowSwitch.start(config, new DeviceCatalog(kinds));
    }

    /** {@code result} if the flow succeeded; otherwise its error, which the CLI turns into one line. */
    public static FlowResult succeeded(FlowResult result) {
        if (!result.succeeded()) {
            if (result.error() instanceof RuntimeException e) {
                throw e;
            }
            throw new FlowException("FLOW_FAILED", "flow " + result.name() + " failed: " + result.error());
        }
        return result;
    }
}
