package io.flowswitch.fml.verify;

import io.flowswitch.fml.parse.Ast;
import io.flowswitch.flow.ladder.Ladder;

/** A ladder rule of the tree as the runtime's {@link Ladder.Step}. Stateless. */
public final class LadderSteps {
    private LadderSteps() {
    }

    /** The step; counts and durations out of bounds (reported elsewhere) are brought within them. */
    public static Ladder.Step of(Ast.Rule rule) {
        if (rule instanceof Ast.Retry r) {
            final int times = (int) Math.max(1, Math.min(Ladder.MAX_RETRIES, r.times().value()));
            return new Ladder.Retry(times, r.backoff().map(b -> Math.max(0, b.value())).orElse(0L));
        }
        if (rule instanceof Ast.Ignore) {
            return new Ladder.IgnoreTransient();
        }
        if (rule instanceof Ast.Redirect r) {
            return r.kind().<Ladder.Step>map(k -> new Ladder.RedirectKind(k.text())).orElse(new Ladder.RedirectInstance());
        }
        if (rule instanceof Ast.Notify) {
            return new Ladder.Notify();
        }
        if (rule instanceof Ast.Fallback) {
            return new Ladder.FallbackSoftware();
        }
        return new Ladder.Terminate();
    }
}
