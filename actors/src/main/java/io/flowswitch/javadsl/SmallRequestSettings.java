package io.flowswitch.javadsl;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.concurrent.TimeUnit;

/**
 * How a node treats small requests, read once from {@code flowswitch.small-requests} and validated with
 * messages that name the key. Immutable.
 *
 * @param thresholdBytes requests below it bypass flow set-up; -1 when {@code threshold = auto} (calibrated)
 * @param calibrationBytes bytes of each timed calibration run
 * @param batchMaxBytes a batch of bypassing requests leaves once it holds this many bytes
 * @param batchMaxDelayNs ... or this long after it opened; 0 sends every request on its own
 * @param workers threads running the direct path
 * @param calibrateAtStart with {@code threshold = auto}: calibrate in the background right after start
 */
record SmallRequestSettings(long thresholdBytes, long calibrationBytes, long batchMaxBytes, long batchMaxDelayNs,
    int workers, boolean calibrateAtStart) {
    static final String ROOT = "flowswitch.small-requests";

    /** Calibrated on first use, 8 MiB runs, 1 MiB or 200 us batches, one worker: the reference defaults. */
    static final SmallRequestSettings DEFAULTS = new SmallRequestSettings(-1, 8L << 20, 1L << 20, 200_000, 1, false);

    static SmallRequestSettings from(Config root) {
        if (!root.hasPath(ROOT)) {
            return DEFAULTS;
        }
        final Config config = root.getConfig(ROOT);
        final long threshold;
        if (config.hasPath("threshold") && "auto".equals(config.getValue("threshold").unwrapped())) {
            threshold = -1;
        } else {
            threshold = bytes(config, "threshold", 0, "auto, or a size in bytes such as 64KiB (0: never bypass)");
        }
        final long calibration = bytes(config, "calibration-bytes", 64 * 1024, "a size in bytes >= 64KiB, such as 8MiB");
        final long batchBytes = bytes(config, "batch-max-bytes", 1, "a size in bytes >= 1, such as 1MiB");
        final long delayNs;
        try {
            delayNs = config.getDuration("batch-max-delay", TimeUnit.NANOSECONDS);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad("batch-max-delay", "must be a duration >= 0, such as 200us");
        }
        if (delayNs < 0 || delayNs > TimeUnit.SECONDS.toNanos(10)) {
            throw bad("batch-max-delay", "must be a duration between 0 and 10s, got " + delayNs + " ns");
        }
        final int workers = config.getInt("workers");
        if (workers < 1 || workers > 64) {
            throw bad("workers", "must be between 1 and 64, got " + workers);
        }
        final boolean atStart;
        try {
            atStart = config.getBoolean("calibrate-at-start");
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad("calibrate-at-start", "must be on or off");
        }
        return new SmallRequestSettings(threshold, calibration, batchBytes, delayNs, workers, atStart);
    }

    private static long bytes(Config config, String key, long min, String expected) {
        final long value;
        try {
            value = config.getBytes(key);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad(key, "must be " + expected);
        }
        if (value < min) {
            throw bad(key, "must be " + expected + ", got " + value);
        }
        return value;
    }

    private static ConfigException bad(String key, String message) {
        return new ConfigException.BadValue(ROOT + "." + key, message);
    }
}
