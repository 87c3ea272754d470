package io.flowswitch.fml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import java.util.Objects;

/**
 * What the front end checks a program against: the device catalog, the configuration that holds the
 * principals' grants ({@code flowswitch.grants}), and whether to ask devices about this machine too
 * (input files exist, output directories are writable). Immutable.
 *
 * @param checkEnvironment off for {@code check} and the golden tests (a program is checked, not the
 *                         machine), on just before a run
 */
public record FmlOptions(DeviceCatalog catalog, Config config, boolean checkEnvironment) {
    public FmlOptions {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(config, "config");
    }

    /** The built-in devices, the application's configuration ({@code ConfigFactory.load()}), no machine checks. */
    public static FmlOptions defaults() {
        return new FmlOptions(DeviceCatalog.builtIn(), ConfigFactory.load(), false);
    }

    public FmlOptions withConfig(Config value) {
        return new FmlOptions(catalog, value, checkEnvironment);
    }

    public FmlOptions withCatalog(DeviceCatalog value) {
        return new FmlOptions(value, config, checkEnvironment);
    }

    public FmlOptions withEnvironmentChecks(boolean value) {
        return new FmlOptions(catalog, config, value);
    }
}
