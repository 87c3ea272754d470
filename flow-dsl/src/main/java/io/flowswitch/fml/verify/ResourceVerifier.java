package io.flowswitch.fml.verify;

import com.typesafe.config.Config;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.fault.Fault;
import io.flowswitch.devices.fault.FaultInjection;
import io.flowswitch.devices.frame.DeframeKind;
import io.flowswitch.devices.frame.FrameKind;
import io.flowswitch.flow.ladder.LadderCheck;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.tee.TeeKind;
import io.flowswitch.fml.diag.Code;
import io.flowswitch.fml.diag.Reporter;
import io.flowswitch.fml.diag.Span;
import io.flowswitch.fml.lex.Unit;
import io.flowswitch.fml.lex.Units;
import io.flowswitch.fml.parse.Ast;
import io.flowswitch.fml.resolve.ResolvedFlow;
import io.flowswitch.fml.resolve.Resolver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifier pass 2, resources and rights: every device can do what the program asks of it (replicas only
 * of stateless transforms, a software path for {@code fallback software}, a redirect to a device of the
 * same role, a pass-through range only on a device that can leave one), every device accepts its
 * parameters ({@link DeviceKind#validate}), numbers are within {@link Bounds}, and the principal's
 * {@link Grants} cover every device, instance and rate the program reserves. Stateless; thread-safe.
 */
public final class ResourceVerifier {
    private static final Pattern PARAMETER = Pattern.compile("parameter '([^']*)'");
    /** Device errors that depend only on the program, not on the machine it is checked on. */
    private static final Set<String> STATIC_CODES = Set.of("BAD_PARAMETER", "BAD_KEY", "BAD_CHUNK_SIZE");

    private final DeviceCatalog catalog;
    private final Config config;
    private final boolean checkEnvironment;

    /**
     * @param checkEnvironment also report what the devices find on this machine (a missing input file, a
     *                         directory that cannot be written), as {@link Code#FML071}
     */
    public ResourceVerifier(DeviceCatalog catalog, Config config, boolean checkEnvironment) {
        this.catalog = catalog;
        this.config = config;
        this.checkEnvironment = checkEnvironment;
    }

    public void verify(ResolvedFlow flow, Reporter reporter) {
        final int chunkBytes = chunk(flow, reporter);
        policy(flow, reporter);
        final FlowContext context = placeholderContext(flow, chunkBytes);
        for (Ast.Stage stage : flow.stages()) {
            final DeviceKind kind = flow.kinds().get(stage);
            replicas(stage, kind, reporter);
            if (kind == null) {
                continue;
            }
            stage.pass().ifPresent(range -> pass(range, kind, chunkBytes, reporter));
            validate(stage, kind, context, flow.keys().keySet(), reporter);
        }
        for (Ast.Statement s : flow.chain()) {
            if (s instanceof Ast.Header header) {
                headerParams(header, reporter);
            }
        }
        for (ResolvedFlow.Handler handler : flow.handlers()) {
            ladder(handler, flow, context, reporter);
        }
        rights(flow, reporter);
    }

    private static int chunk(ResolvedFlow flow, Reporter reporter) {
        if (flow.chunk().isEmpty()) {
            return FlowContext.DEFAULT_CHUNK_BYTES;
        }
        final Ast.Num size = flow.chunk().get().size();
        if (size.unit().dimension() != Unit.Dimension.SIZE && size.unit().dimension() != Unit.Dimension.COUNT) {
            return FlowContext.DEFAULT_CHUNK_BYTES;
        }
        if (size.value() < Bounds.MIN_CHUNK_BYTES || size.value() > Bounds.MAX_CHUNK_BYTES) {
            reporter.error(Code.FML060, size.span(), "chunk size " + size.text() + " is out of bounds: it must be"
                + " between 1KiB and 1MiB", "64KiB suits most flows; 32KiB chunks fit one Aeron frame");
            return FlowContext.DEFAULT_CHUNK_BYTES;
        }
        return (int) size.value();
    }

    private static void policy(ResolvedFlow flow, Reporter reporter) {
        for (Ast.Setting s : flow.policy().values()) {
            final Ast.Num n = s.value();
            switch (s.name().text()) {
                case "rate" -> {
                    if (n.unit().dimension() == Unit.Dimension.RATE && (n.value() < Bounds.MIN_RATE || n.value() > Bounds.MAX_RATE)) {
                        reporter.error(Code.FML062, n.span(), "rate " + n.text() + " is out of bounds: it must be between"
                            + " 1KiB/s and 1024GiB/s", "the rate is what the flow asks the scheduler to reserve");
                    }
                }
                case "priority" -> bound(n, 0, Bounds.MAX_PRIORITY, "priority", "0 (lowest) and 9", reporter);
                case "small-request-threshold" -> {
                    if (n.unit().dimension() == Unit.Dimension.SIZE && n.value() > Bounds.MAX_SMALL_REQUEST_THRESHOLD) {
                        reporter.error(Code.FML064, n.span(), "small-request-threshold " + n.text()
                            + " is out of bounds: it must be between 0 and 64MiB", "");
                    }
                }
                default -> {
                    if (n.unit().dimension() == Unit.Dimension.DURATION
                        && (n.value() < Bounds.MIN_TIMEOUT_NS || n.value() > Bounds.MAX_TIMEOUT_NS)) {
                        reporter.error(Code.FML063, n.span(), "timeout " + n.text() + " is out of bounds: it must be"
                            + " between 1ms and 3600s", "");
                    }
                }
            }
        }
    }

    private static void bound(Ast.Num n, long min, long max, String what, String range, Reporter reporter) {
        if (n.unit() == Unit.NONE && (n.value() < min || n.value() > max)) {
            reporter.error(Code.FML064, n.span(), what + " " + n.text() + " is out of bounds: it must be between " + range,
                "");
        }
    }

    private static void replicas(Ast.Stage stage, DeviceKind kind, Reporter reporter) {
        if (stage.replicas().isEmpty()) {
            return;
        }
        final Ast.Replicas r = stage.replicas().get();
        if (r.count().isPresent()) {
            final Ast.Num n = r.count().get();
            if (n.unit() == Unit.NONE && (n.value() < 1 || n.value() > Bounds.MAX_REPLICAS)) {
                reporter.error(Code.FML061, n.span(), "replicas " + n.text() + " is out of bounds: it must be between 1"
                    + " and " + Bounds.MAX_REPLICAS, "replicas beyond the number of cores rarely help");
                return;
            }
        }
        final boolean many = r.count().map(n -> n.value() > 1).orElse(true);
        if (stage.role() != Ast.Role.VIA) {
            reporter.error(Code.FML066, r.span(), "only transforms can be replicated, and '" + stage.role().keyword() + " "
                + stage.device().kind().text() + "' is a " + (stage.role() == Ast.Role.SOURCE ? "source" : "sink"),
                "a flow reads its source and writes its sink through one instance each");
        } else if (kind != null && kind.capabilities().getStateful() && many) {
            reporter.error(Code.FML065, r.span(), "device '" + kind.name() + "' is stateful and cannot be replicated",
                "a stateful stage stays pinned to one instance per flow; other flows use the other instances");
        }
    }

    private static void pass(Ast.Range range, DeviceKind kind, int chunkBytes, Reporter reporter) {
        if (!kind.capabilities().getPassThrough()) {
            reporter.error(Code.FML070, range.span(), "device '" + kind.name() + "' cannot leave a byte range untouched",
                "use 'split' and 'join' around it, so that it sees only the data part");
        } else if (kind.passThroughPrefixMaxBytes() > 0 && (range.from().value() != 0
            || range.to().value() > kind.passThroughPrefixMaxBytes())) {
            reporter.error(Code.FML070, range.span(), "device '" + kind.name() + "' can leave only the first "
                + kind.passThroughPrefixMaxBytes() + " bytes or fewer of a chunk untouched, not bytes "
                + range.from().text() + ".." + range.to().text(),
                "use a range 0..N with N at most " + kind.passThroughPrefixMaxBytes()
                    + ", or use 'split' and 'join' around it");
        }
        if (range.from().value() >= range.to().value() || range.to().value() > chunkBytes) {
            reporter.error(Code.FML064, range.span(), "byte range " + range.from().text() + ".." + range.to().text()
                + " is out of bounds: it must be non-empty and end within the chunk (" + chunkBytes + " bytes)", "");
        }
    }

    /** Keys the verifier hands devices: zero bytes of the right size, only so that name checks pass. */
    private static FlowContext placeholderContext(ResolvedFlow flow, int chunkBytes) {
        final Map<String, SecretKey> keys = new HashMap<>();
        for (String name : flow.keys().keySet()) {
            keys.put(name, new SecretKeySpec(new byte[32], "AES"));
        }
        return new FlowContext(0, chunkBytes, keys);
    }

    private void validate(Ast.Stage stage, DeviceKind kind, FlowContext context, Set<String> keys, Reporter reporter) {
        if (stage.device().params().stream().anyMatch(p -> StructureVerifier.reportedValue(p, keys))) {
            return;
        }
        final int replicas = (int) stage.replicas().flatMap(Ast.Replicas::count).map(Ast.Num::value)
            .filter(n -> n >= 1 && n <= Bounds.MAX_REPLICAS).orElse(1L).longValue();
        final DeviceParams params = new DeviceParams(stage.name().text(), deviceParams(stage), replicas);
        fault(stage, kind, reporter);
        try {
            kind.validate(params, context);
        } catch (DeviceException e) {
            if (e.code().equals("NO_SUCH_KEY")) {
                // An undeclared key: the resolver reported the name already.
                return;
            }
            final Span at = paramSpan(stage.device(), e.getMessage());
            if (STATIC_CODES.contains(e.code())) {
                reporter.error(Code.FML069, at, e.getMessage(), "'" + kind.name() + "' " + kind.description());
            } else if (checkEnvironment) {
                reporter.error(Code.FML071, at, e.getMessage() + " (" + e.code() + ")", "");
            }
        } catch (RuntimeException e) {
            reporter.error(Code.FML069, stage.device().span(), "device '" + kind.name() + "' rejected its parameters: " + e,
                "'" + kind.name() + "' " + kind.description());
        }
    }

    /** The device's own parameters: all but the injected {@code fault}. */
    private static Map<String, String> deviceParams(Ast.Stage stage) {
        final Map<String, String> params = new java.util.TreeMap<>(ParamText.of(stage.device()));
        params.remove(Fault.PARAMETER);
        return params;
    }

    /**
     * A header program's parameters: the framer's {@code mtu}, a size with room for the header and a payload
     * byte ({@code FML044}, {@code FML064}), and an injected {@code fault} ({@code FML073}); nothing else
     * ({@code FML069}).
     */
    private void headerParams(Ast.Header header, Reporter reporter) {
        final DeviceKind kind = catalog.find(header.check() ? DeframeKind.NAME : FrameKind.NAME).orElse(null);
        if (kind == null) {
            return;
        }
        final String stage = header.check() ? "header check" : "header";
        final int headerBytes = StructureVerifier.headerBytes(header);
        for (Ast.Param p : header.params()) {
            final String name = p.name().text();
            if (name.equals(Fault.PARAMETER)) {
                try {
                    FaultInjection.check(Fault.parse(ParamText.of(p), stage), kind, stage);
                } catch (DeviceException e) {
                    reporter.error(Code.FML073, p.value().span(), e.getMessage(), FAULT_HELP);
                }
            } else if (name.equals(FrameKind.MTU) && !header.check()) {
                if (!(p.value() instanceof Ast.Num n)
                    || n.unit() != Unit.NONE && n.unit().dimension() != Unit.Dimension.SIZE) {
                    reporter.error(Code.FML044, p.value().span(), "mtu must be a size (bytes, or B, KiB)", "e.g. 1500B");
                } else if (n.value() <= headerBytes || n.value() > FrameKind.MAX_MTU_BYTES) {
                    reporter.error(Code.FML064, n.span(), "mtu " + n.text() + " is out of bounds: a record must hold the "
                        + headerBytes + "-byte header and a payload byte (at least " + (headerBytes + 1) + "B), and at"
                        + " most 1GiB", "the path's MTU, e.g. 1500B");
                }
            } else {
                reporter.error(Code.FML069, p.span(), "'" + stage + "' takes no parameter '" + name + "'",
                    "'header' takes mtu and fault; 'header check' takes fault");
            }
        }
    }

    private static final String FAULT_HELP = "faults: transient@N[xK], permanent@N, crash@N, actor-crash@N, corrupt@N,"
        + " stall@N, slow[@N]:DURATION; for sinks also peer-reset@N, sink-full@N[xK]; for a framer also mtu-change@N:BYTES";

    /** An injected fault must be one the device's role can take ({@code FML073}). */
    private static void fault(Ast.Stage stage, DeviceKind kind, Reporter reporter) {
        for (Ast.Param p : stage.device().params()) {
            if (!p.name().text().equals(Fault.PARAMETER)) {
                continue;
            }
            try {
                FaultInjection.check(Fault.parse(ParamText.of(p), stage.name().text()), kind,
                    stage.name().text());
            } catch (DeviceException e) {
                reporter.error(Code.FML073, p.value().span(), e.getMessage(), FAULT_HELP);
            }
            return;
        }
    }

    private static Span paramSpan(Ast.Device device, String message) {
        final Matcher m = PARAMETER.matcher(message == null ? "" : message);
        if (m.find()) {
            for (Ast.Param p : device.params()) {
                if (p.name().text().equals(m.group(1))) {
                    return p.span();
                }
            }
        }
        return device.span();
    }

    private void ladder(ResolvedFlow.Handler handler, ResolvedFlow flow, FlowContext context, Reporter reporter) {
        final Optional<DeviceKind> kind = handler.stage().map(flow.kinds()::get);
        for (Ast.Rule rule : handler.on().rules()) {
            final int before = reporter.errorCount();
            ladderRule(rule, kind, flow, reporter);
            final boolean unknownTarget = rule instanceof Ast.Redirect r && r.kind().isPresent()
                && !flow.redirects().containsKey(r);
            if (reporter.errorCount() == before && kind.isPresent() && kind.get() != null && !unknownTarget) {
                final Ast.Stage stage = handler.stage().orElseThrow();
                LadderCheck.problem(LadderSteps.of(rule), kind.get(), new DeviceParams(stage.name().text(),
                        deviceParams(stage)), context, catalog)
                    .ifPresent(problem -> reporter.error(Code.FML072, rule.span(), "stage '" + stage.name().text()
                        + "': " + problem, kind.get().role() == DeviceRole.TRANSFORM
                            ? "redirect to a kind with the same functions and parameters, or remove the step"
                            : "a source or sink can only 'notify' and 'terminate'"));
            }
        }
    }

    private void ladderRule(Ast.Rule rule, Optional<DeviceKind> kind, ResolvedFlow flow, Reporter reporter) {
        if (rule instanceof Ast.Retry retry) {
            bound(retry.times(), 1, Bounds.MAX_RETRIES, "retry count", "1 and " + Bounds.MAX_RETRIES, reporter);
            retry.backoff().ifPresent(b -> {
                if (b.unit().dimension() == Unit.Dimension.DURATION
                    && (b.value() < Bounds.MIN_BACKOFF_NS || b.value() > Bounds.MAX_BACKOFF_NS)) {
                    reporter.error(Code.FML063, b.span(), "backoff " + b.text() + " is out of bounds: it must be"
                        + " between 1ms and 60s", "");
                }
            });
        } else if (rule instanceof Ast.Fallback && kind.isPresent()
            && !kind.get().capabilities().getHasSoftwarePath()) {
            reporter.error(Code.FML067, rule.span(), "device '" + kind.get().name() + "' has no software path to fall"
                + " back to", "drop 'fallback software' (the device is already plain software), or redirect to"
                + " another device");
        } else if (rule instanceof Ast.Redirect r && r.kind().isPresent() && kind.isPresent()) {
            final DeviceKind target = flow.redirects().get(r);
            if (target != null && target.role() != kind.get().role()) {
                reporter.error(Code.FML068, r.kind().get().span(), "cannot redirect " + word(kind.get().role())
                    + " '" + kind.get().name() + "' to '" + target.name() + "', which is a " + word(target.role()),
                    "redirect to a device of the same role; " + Resolver.roleWord(kind.get().role()) + ": "
                        + String.join(", ", catalog.names(kind.get().role())));
            }
        }
    }

    private static String word(DeviceRole role) {
        return switch (role) {
            case SOURCE -> "source";
            case TRANSFORM -> "transform";
            case SINK -> "sink";
        };
    }

    private void rights(ResolvedFlow flow, Reporter reporter) {
        final Span at = flow.ast().principal().map(Ast.Str::span).orElse(flow.ast().name().span());
        final Optional<Grants> read = Grants.read(config, flow.principal(), at, reporter);
        if (read.isEmpty()) {
            return;
        }
        final Grants grants = read.get();
        for (Ast.Stage stage : flow.stages()) {
            final DeviceKind kind = flow.kinds().get(stage);
            if (kind != null && !grants.grants(kind.name())) {
                notGranted(stage.device().kind(), kind, grants, reporter);
            }
            if (stage.role() == Ast.Role.TEE && !grants.grants(TeeKind.NAME)) {
                reporter.error(Code.FML081, stage.span(), "device '" + TeeKind.NAME + "' is not granted to principal '"
                    + grants.principal() + "': a tee holds a '" + TeeKind.NAME + "' instance besides its branch sink",
                    "grant it under " + Grants.path(grants.principal()) + ".devices");
            }
        }
        for (Map.Entry<Ast.Redirect, DeviceKind> r : flow.redirects().entrySet()) {
            if (!grants.grants(r.getValue().name())) {
                notGranted(r.getKey().kind().orElseThrow(), r.getValue(), grants, reporter);
            }
        }
        long instances = 0;
        long tees = 0;
        Ast.Replicas largest = null;
        for (Ast.Stage stage : flow.stages()) {
            final long n = stage.replicas().flatMap(Ast.Replicas::count).map(Ast.Num::value)
                .filter(c -> c >= 1 && c <= Bounds.MAX_REPLICAS).orElse(1L);
            // A tee holds two instances: the tee and its branch sink.
            tees += stage.role() == Ast.Role.TEE ? 1 : 0;
            instances += n + (stage.role() == Ast.Role.TEE ? 1 : 0);
            if (stage.replicas().isPresent() && (largest == null || n > largest.count().map(Ast.Num::value).orElse(1L))) {
                largest = stage.replicas().get();
            }
        }
        if (instances > grants.maxInstances()) {
            reporter.error(Code.FML082, largest != null ? largest.span() : flow.ast().name().span(), "the flow reserves "
                + instances + " device instances" + (tees > 0 ? " (each tee two: the tee and its branch sink)" : "")
                + ", but principal '" + grants.principal() + "' may reserve " + grants.maxInstances(),
                "use fewer " + (tees > 0 ? "replicas or tees" : "replicas") + ", or raise "
                    + Grants.path(grants.principal()) + ".max-instances");
        }
        final Ast.Setting rate = flow.policy().get("rate");
        if (rate != null && rate.value().unit().dimension() == Unit.Dimension.RATE
            && rate.value().value() <= Bounds.MAX_RATE && rate.value().value() > grants.maxRateBytesPerSecond()) {
            reporter.error(Code.FML083, rate.value().span(), "rate " + rate.value().text() + " is above the "
                + Units.rate(grants.maxRateBytesPerSecond()) + " granted to principal '" + grants.principal() + "'",
                "ask for less, or raise " + Grants.path(grants.principal()) + ".max-rate-bytes-per-second");
        }
    }

    private void notGranted(Ast.Ident at, DeviceKind kind, Grants grants, Reporter reporter) {
        final List<String> alternatives = catalog.names(kind.role()).stream()
            .filter(n -> !n.equals(kind.name()) && grants.grants(n)).toList();
        reporter.error(Code.FML081, at.span(), "device '" + kind.name() + "' is not granted to principal '"
            + grants.principal() + "'", "grant it under " + Grants.path(grants.principal()) + ".devices"
            + (alternatives.isEmpty() ? "" : ", or use a granted " + word(kind.role()) + ": "
                + String.join(", ", alternatives)));
    }
}
