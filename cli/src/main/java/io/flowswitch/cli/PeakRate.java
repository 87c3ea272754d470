package io.flowswitch.cli;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.SelfBenchmark;
import io.flowswitch.devices.accel.AesCardKind;
import io.flowswitch.devices.accel.RateLimitKind;
import io.flowswitch.devices.pass.PassKind;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.fml.plan.FmlPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The expected peak rate of a plan: its slowest transform stage, each stage at its per-instance speed times
 * its instances (replicas or lanes). A modelled accelerator's speed is its declared rate; a kind the
 * {@link SelfBenchmark} can run is measured here, briefly, on this machine; any other kind (a decryptor,
 * a decompressor, a framer) is named as not measured. Sources and sinks run at the speed of their file or
 * socket, which only a flow can tell, so they are left out and the line says so. Not thread-safe.
 */
final class PeakRate {
    /** Per measured kind: enough to get past the JIT's first compilations, short enough for an interactive command. */
    static final long MEASURE_BYTES = 64L << 20;
    static final long MEASURE_TIME_NS = 300_000_000L;

    private final DeviceCatalog catalog;
    private final SelfBenchmark benchmark = new SelfBenchmark(MEASURE_BYTES, MEASURE_TIME_NS);
    private final Map<String, Optional<Double>> measured = new HashMap<>();

    PeakRate(DeviceCatalog catalog) {
        this.catalog = catalog;
    }

    /** One stage's expected speed, and where the figure comes from. */
    record StageRate(String stage, String kind, int instances, double perInstanceBytesPerSecond, String source) {
        double bytesPerSecond() {
            return perInstanceBytesPerSecond * instances;
        }
    }

    /** The {@code peak rate} line of {@code explain}. */
    String line(FmlPlan plan) {
        final List<StageRate> rates = new ArrayList<>();
        final List<String> unmeasured = new ArrayList<>();
        final List<StageSpec> specs = plan.spec().stages();
        for (int i = 0; i < specs.size(); i++) {
            final FmlPlan.StagePlan stage = plan.stages().get(i);
            if (stage.role() != DeviceRole.TRANSFORM) {
                continue;
            }
            final int instances = plan.lanes() > 1 ? plan.lanes() : Math.max(1, stage.replicas());
            final Optional<StageRate> rate = rate(stage.name(), specs.get(i), instances);
            if (rate.isPresent()) {
                rates.add(rate.get());
            } else {
                unmeasured.add(stage.name() + " (" + stage.kind() + ")");
            }
        }
        final StringBuilder out = new StringBuilder("  peak rate    ");
        final Optional<StageRate> slowest = rates.stream().min((a, b) -> Double.compare(a.bytesPerSecond(), b.bytesPerSecond()));
        if (slowest.isEmpty()) {
            out.append("not known: no transform stage of this flow has a declared or measurable speed");
        } else {
            final StageRate s = slowest.get();
            out.append(unmeasured.isEmpty() ? "" : "at most ").append(Units.rate(s.bytesPerSecond()))
                .append(", set by '").append(s.stage()).append("' (").append(s.kind())
                .append(s.instances() > 1 ? " x" + s.instances() + " at " + Units.rate(s.perInstanceBytesPerSecond()) + " each"
                    : "")
                .append(", ").append(s.source()).append(')');
        }
        out.append('\n');
        for (StageRate r : rates) {
            out.append("    ").append(r.stage()).append(": ").append(Units.rate(r.bytesPerSecond()))
                .append(r.instances() > 1 ? " (" + r.instances() + " x " + Units.rate(r.perInstanceBytesPerSecond()) + ")" : "")
                .append(", ").append(r.source()).append('\n');
        }
        for (String name : unmeasured) {
            out.append("    ").append(name).append(": not measured (no safe sample input for this kind)\n");
        }
        out.append("    sources and sinks: not measured (the speed of their file or socket)\n");
        return out.toString();
    }

    private Optional<StageRate> rate(String stage, StageSpec spec, int instances) {
        String kindName = spec.kind();
        Map<String, String> params = spec.params();
        if (PassKind.NAME.equals(kindName) && params.containsKey(PassKind.DEVICE)) {
            kindName = params.get(PassKind.DEVICE);
            params = Map.of(RateLimitKind.RATE_BYTES_PER_SECOND,
                params.getOrDefault(PassKind.DEVICE_PREFIX + RateLimitKind.RATE_BYTES_PER_SECOND, ""));
        }
        if (RateLimitKind.NAME.equals(kindName)) {
            final String declared = params.get(RateLimitKind.RATE_BYTES_PER_SECOND);
            try {
                return Optional.of(new StageRate(stage, kindName, instances, Long.parseLong(declared), "declared"));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        if (AesCardKind.NAME.equals(kindName)) {
            return Optional.of(new StageRate(stage, kindName, instances, AesCardKind.RATE_BYTES_PER_SECOND, "modelled card"));
        }
        final String name = kindName;
        return measure(name).map(perInstance -> new StageRate(stage, name, instances, perInstance, "measured here"));
    }

    private Optional<Double> measure(String kindName) {
        return measured.computeIfAbsent(kindName, name -> {
            final Optional<DeviceKind> kind = catalog.find(name);
            if (kind.isEmpty() || !SelfBenchmark.measurable(kind.get())) {
                return Optional.empty();
            }
            return benchmark.run(kind.get()).map(SelfBenchmark.Result::bytesPerSecond);
        });
    }
}
