package io.flowswitch.flow.ladder;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.SoftwarePaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether each step of a stage's ladder can run, checked when the flow is verified rather than found out
 * when the device fails: a redirect needs a kind that exists, has the stage's role, offers every function
 * of the stage's kind and takes the stage's parameters; a software fallback needs a software path; a
 * source or a sink can only notify and terminate (the runtime re-issues chunks into transforms only).
 * Another instance of the same kind is the node's to check ({@link #instancesNeeded}). Stateless.
 */
public final class LadderCheck {
    private LadderCheck() {
    }

    /** Every problem of the ladder, each one sentence that starts with {@code stage}. */
    public static List<String> problems(String stage, DeviceKind kind, Ladder ladder, DeviceParams params,
        FlowContext context, DeviceCatalog catalog) {
        final List<String> problems = new ArrayList<>();
        for (Ladder.Step step : ladder.steps()) {
            problem(step, kind, params, context, catalog).ifPresent(p -> problems.add(stage + ": " + p));
        }
        return problems;
    }

    /** Why {@code step} cannot run for a stage of {@code kind}, or empty when it can. */
    public static Optional<String> problem(Ladder.Step step, DeviceKind kind, DeviceParams params,
        FlowContext context, DeviceCatalog catalog) {
        if (kind.role() != DeviceRole.TRANSFORM && !(step instanceof Ladder.Notify)
            && !(step instanceof Ladder.Terminate)) {
            return Optional.of("'" + step.text() + "' cannot run for a " + kind.role().name().toLowerCase(
                java.util.Locale.ROOT) + ": chunks are re-issued into transforms only, so a source or a sink can"
                + " only notify and terminate");
        }
        if (step instanceof Ladder.FallbackSoftware && !SoftwarePaths.has(kind)) {
            return Optional.of("'fallback software' cannot run: device '" + kind.name() + "' has no software path");
        }
        if (step instanceof Ladder.RedirectKind redirect) {
            final DeviceKind target = catalog.find(redirect.kind()).orElse(null);
            if (target == null) {
                return Optional.of("'" + step.text() + "' names an unknown device kind");
            }
            if (target.role() != kind.role()) {
                return Optional.of("'" + step.text() + "' names a " + target.role().name().toLowerCase(
                    java.util.Locale.ROOT) + ", not a " + kind.role().name().toLowerCase(java.util.Locale.ROOT));
            }
            final List<String> missing = new ArrayList<>(kind.capabilities().getFunctionsList());
            missing.removeAll(target.capabilities().getFunctionsList());
            if (!missing.isEmpty()) {
                return Optional.of("'" + step.text() + "' cannot do the job of '" + kind.name() + "': it lacks "
                    + String.join(", ", missing));
            }
            if (target.capabilities().getStateful() != kind.capabilities().getStateful()) {
                return Optional.of("'" + step.text() + "' cannot take over from '" + kind.name()
                    + "': one keeps state across chunks and the other does not");
            }
            try {
                target.validate(params, context);
            } catch (DeviceException e) {
                return Optional.of("'" + step.text() + "' cannot take the stage's parameters: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * How many instances of the stage's own kind the ladder may need at once: its replicas, plus one for
     * each {@code redirect instance}.
     */
    public static int instancesNeeded(int replicas, Ladder ladder) {
        int needed = replicas;
        for (Ladder.Step step : ladder.steps()) {
            if (step instanceof Ladder.RedirectInstance) {
                needed++;
            }
        }
        return needed;
    }
}
