package io.flowswitch.fml.resolve;

import io.flowswitch.devices.DeviceKind;
import io.flowswitch.fml.parse.Ast;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A flow with its names looked up: the output of the resolver and the input of the verifier. Maps are
 * by node identity. A name that did not resolve was reported and is simply absent, so later passes
 * check what they can and skip the rest. Immutable once built.
 *
 * @param chain     the stages, header programs, splits and joins, in program order
 * @param kinds     the device kind of each stage whose kind exists
 * @param keys      declared keys by name, in declaration order
 * @param policy    policy settings by name
 * @param handlers  every {@code on} block, with the stage it names when it names one that resolved
 * @param redirects the device kind of each {@code redirect kind} that exists
 */
public record ResolvedFlow(
    Ast.Flow ast,
    List<Ast.Statement> chain,
    Map<Ast.Stage, DeviceKind> kinds,
    Map<String, Ast.Ident> keys,
    Optional<Ast.Chunk> chunk,
    Optional<Ast.TransportStmt> transport,
    Map<String, Ast.Setting> policy,
    List<Handler> handlers,
    Map<Ast.Redirect, DeviceKind> redirects) {

    /** An {@code on} block; {@code stage} is set for {@code on stage NAME} when NAME names one stage. */
    public record Handler(Ast.On on, Optional<Ast.Stage> stage) {
    }

    public String name() {
        return ast.name().text();
    }

    /** The principal the program runs as; {@code default} when it names none. */
    public String principal() {
        return ast.principal().map(Ast.Str::value).orElse("default");
    }

    /** The stages of the chain, without header programs, splits and joins. */
    public List<Ast.Stage> stages() {
        return chain.stream().filter(Ast.Stage.class::isInstance).map(Ast.Stage.class::cast).toList();
    }

    public Optional<DeviceKind> kind(Ast.Stage stage) {
        return Optional.ofNullable(kinds.get(stage));
    }
}
