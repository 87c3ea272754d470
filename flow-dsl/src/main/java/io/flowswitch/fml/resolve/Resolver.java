package io.flowswitch.fml.resolve;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.fml.diag.Code;
import io.flowswitch.fml.diag.Reporter;
import io.flowswitch.fml.diag.Span;
import io.flowswitch.fml.diag.Suggest;
import io.flowswitch.fml.parse.Ast;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The name pass: looks up device kinds in the catalog, key and stage names in the program, and reports
 * unknown names (with the nearest known one), duplicates, ambiguous stage names, keys written as text and
 * keys never used. Stateless; thread-safe.
 */
public final class Resolver {
    /** The parameter that names a key; its value must be a declared key, never text. */
    public static final String KEY_PARAMETER = "key";

    private final DeviceCatalog catalog;

    public Resolver(DeviceCatalog catalog) {
        this.catalog = catalog;
    }

    public ResolvedFlow resolve(Ast.Flow flow, Reporter reporter) {
        final Map<String, Ast.Ident> keys = new LinkedHashMap<>();
        final List<Ast.Statement> chain = new ArrayList<>();
        final Map<Ast.Stage, DeviceKind> kinds = new IdentityHashMap<>();
        final Map<String, Ast.Setting> policy = new LinkedHashMap<>();
        final List<Ast.On> ons = new ArrayList<>();
        Ast.Chunk chunk = null;
        Ast.TransportStmt transport = null;

        for (Ast.Statement s : flow.body()) {
            if (s instanceof Ast.Keys k) {
                for (Ast.Ident name : k.names()) {
                    final Ast.Ident first = keys.putIfAbsent(name.text(), name);
                    if (first != null) {
                        duplicate(reporter, name.span(), "key '" + name.text() + "'", first.span());
                    }
                }
            } else if (s instanceof Ast.Chunk c) {
                if (chunk != null) {
                    duplicate(reporter, c.span(), "chunk size", chunk.span());
                } else {
                    chunk = c;
                }
            } else if (s instanceof Ast.TransportStmt t) {
                if (transport != null) {
                    duplicate(reporter, t.span(), "transport", transport.span());
                } else {
                    transport = t;
                }
                if (!List.of("fused", "aeron").contains(t.mode().text())) {
                    reporter.error(Code.FML031, t.mode().span(), "unknown transport '" + t.mode().text() + "'",
                        Suggest.didYouMean(t.mode().text(), List.of("fused", "aeron"), "transports: fused, aeron"));
                }
            } else if (s instanceof Ast.Policy p) {
                for (Ast.Setting setting : p.settings()) {
                    final Ast.Setting first = policy.putIfAbsent(setting.name().text(), setting);
                    if (first != null) {
                        duplicate(reporter, setting.span(), "policy setting '" + setting.name().text() + "'",
                            first.span());
                    }
                }
            } else if (s instanceof Ast.On on) {
                ons.add(on);
            } else {
                chain.add(s);
            }
        }

        // Device kinds and parameters; key references, which may come before the key's declaration.
        final Set<String> usedKeys = new HashSet<>();
        final Map<String, List<Ast.Stage>> stagesByName = new LinkedHashMap<>();
        final Map<String, Ast.Ident> aliases = new HashMap<>();
        for (Ast.Statement s : chain) {
            if (s instanceof Ast.Stage stage) {
                resolveKind(stage, reporter).ifPresent(k -> kinds.put(stage, k));
                resolveParams(stage.device(), keys, usedKeys, reporter);
                stage.alias().ifPresent(a -> {
                    final Ast.Ident first = aliases.putIfAbsent(a.text(), a);
                    if (first != null) {
                        duplicate(reporter, a.span(), "stage name '" + a.text() + "'", first.span());
                    }
                });
                stagesByName.computeIfAbsent(stage.name().text(), n -> new ArrayList<>()).add(stage);
            }
        }
        for (Map.Entry<String, Ast.Ident> key : keys.entrySet()) {
            if (!usedKeys.contains(key.getKey())) {
                reporter.warning(Code.FML036, key.getValue().span(), "key '" + key.getKey() + "' is declared but no stage uses it",
                    "remove it, or pass it to a stage as key = " + key.getKey());
            }
        }

        // Handlers: the stage or event each names, once each.
        final List<ResolvedFlow.Handler> handlers = new ArrayList<>();
        final Map<Ast.Redirect, DeviceKind> redirects = new IdentityHashMap<>();
        final Map<String, Ast.On> seen = new HashMap<>();
        for (Ast.On on : ons) {
            final String id = (on.stage() ? "stage " : "") + on.target().text();
            final Ast.On first = seen.putIfAbsent(id, on);
            if (first != null) {
                duplicate(reporter, on.target().span(), "handler 'on " + id + "'", first.target().span());
            }
            Optional<Ast.Stage> stage = Optional.empty();
            if (on.stage()) {
                final List<Ast.Stage> named = stagesByName.get(on.target().text());
                if (named == null) {
                    reporter.error(Code.FML032, on.target().span(), "no stage named '" + on.target().text() + "'",
                        Suggest.didYouMean(on.target().text(), stagesByName.keySet(),
                            stagesByName.isEmpty() ? "the flow has no stages" : "stages: "
                                + String.join(", ", stagesByName.keySet())));
                } else if (named.size() > 1) {
                    reporter.error(Code.FML034, on.target().span(), "stage name '" + on.target().text() + "' is ambiguous: "
                        + named.size() + " stages use it (lines " + lines(named) + ")",
                        "name each with 'as NAME' and refer to that name");
                } else {
                    stage = Optional.of(named.get(0));
                }
            }
            for (Ast.Rule rule : on.rules()) {
                if (rule instanceof Ast.Redirect r && r.kind().isPresent()) {
                    final Ast.Ident kind = r.kind().get();
                    final Optional<DeviceKind> found = catalog.find(kind.text());
                    if (found.isEmpty()) {
                        unknownKind(kind, stage.flatMap(this::kindOf).map(DeviceKind::role).orElse(DeviceRole.TRANSFORM),
                            reporter);
                    } else {
                        redirects.put(r, found.get());
                    }
                }
            }
            handlers.add(new ResolvedFlow.Handler(on, stage));
        }
        return new ResolvedFlow(flow, List.copyOf(chain), kinds, keys, Optional.ofNullable(chunk),
            Optional.ofNullable(transport), policy, List.copyOf(handlers), redirects);
    }

    private Optional<DeviceKind> kindOf(Ast.Stage stage) {
        return catalog.find(stage.device().kind().text());
    }

    private Optional<DeviceKind> resolveKind(Ast.Stage stage, Reporter reporter) {
        final Ast.Ident kind = stage.device().kind();
        final Optional<DeviceKind> found = catalog.find(kind.text());
        if (found.isEmpty()) {
            unknownKind(kind, roleOf(stage.role()), reporter);
        }
        return found;
    }

    private void unknownKind(Ast.Ident kind, DeviceRole role, Reporter reporter) {
        final List<String> all = catalog.kinds().stream().map(DeviceKind::name).toList();
        final List<String> sameRole = catalog.names(role);
        final String help = Suggest.closest(kind.text(), sameRole).or(() -> Suggest.closest(kind.text(), all))
            .map(s -> "did you mean '" + s + "'?")
            .orElse("known " + roleWord(role) + ": " + String.join(", ", sameRole));
        reporter.error(Code.FML030, kind.span(), "unknown device kind '" + kind.text() + "'", help);
    }

    private static void resolveParams(Ast.Device device, Map<String, Ast.Ident> keys, Set<String> usedKeys,
                                      Reporter reporter) {
        final Map<String, Ast.Param> seen = new HashMap<>();
        for (Ast.Param param : device.params()) {
            final Ast.Param first = seen.putIfAbsent(param.name().text(), param);
            if (first != null) {
                duplicate(reporter, param.name().span(), "parameter '" + param.name().text() + "'", first.name().span());
            }
            if (param.value() instanceof Ast.Ident name) {
                if (keys.containsKey(name.text())) {
                    usedKeys.add(name.text());
                } else if (!isBoolean(name.text())) {
                    reporter.error(Code.FML031, name.span(), "unknown name '" + name.text() + "'",
                        Suggest.closest(name.text(), keys.keySet()).map(s -> "did you mean key '" + s + "'?")
                            .orElse(param.name().text().equals(KEY_PARAMETER)
                                ? "declare it with 'key " + name.text() + "'"
                                : "declare it with 'key " + name.text() + "', or write text as a string: \""
                                    + name.text() + "\""));
                }
            } else if (param.value() instanceof Ast.Str text && param.name().text().equals(KEY_PARAMETER)) {
                reporter.error(Code.FML035, text.span(), "a key must be named by a declared key, not given as text",
                    "declare 'key NAME' in the flow and write key = NAME; the application passes the key by name");
            }
        }
    }

    /** {@code true} and {@code false} are values, not names. */
    public static boolean isBoolean(String word) {
        return word.equals("true") || word.equals("false");
    }

    static DeviceRole roleOf(Ast.Role role) {
        return switch (role) {
            case SOURCE -> DeviceRole.SOURCE;
            case VIA -> DeviceRole.TRANSFORM;
            case SINK, TEE -> DeviceRole.SINK;
        };
    }

    /** {@code sources}, {@code transforms}, {@code sinks}. */
    public static String roleWord(DeviceRole role) {
        return switch (role) {
            case SOURCE -> "sources";
            case TRANSFORM -> "transforms";
            case SINK -> "sinks";
        };
    }

    private static String lines(List<Ast.Stage> stages) {
        return String.join(", ", stages.stream().map(s -> Integer.toString(s.span().line())).toList());
    }

    private static void duplicate(Reporter reporter, Span span, String what, Span first) {
        reporter.error(Code.FML033, span, what + " is given twice (first at " + first.line() + ":" + first.col() + ")",
            "keep one");
    }
}
