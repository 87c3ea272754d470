package io.flowswitch.flow.ladder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Rules for external events: what they allow, which device errors they cover, and that a spec keeps them. */
class EventRulesTest {
    @Test
    void aStepThatCannotRunForAnEventIsRefusedWithTheStepsThatCan() {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> EventRules.NONE.on(ExternalEvent.PEER_RESET, new Ladder.RedirectInstance()));
        assertEquals("'redirect instance' does not apply to event 'peer-reset': an event handler may retry, ignore"
            + " transient, notify or terminate", error.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> EventRules.NONE.on(ExternalEvent.SINK_FULL, new Ladder.FallbackSoftware()));
    }

    @Test
    void aPeerResetIsNeverRetriedForNoRecordBoundaryIsAcknowledged() {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> EventRules.NONE.on(ExternalEvent.PEER_RESET, new Ladder.Retry(2, 0), new Ladder.Notify()));
        assertEquals("'retry 2' does not apply to event 'peer-reset': a reset connection cannot be resumed without"
            + " losing or duplicating bytes: the peer acknowledges no record boundary, so a new connection would not"
            + " know where to go on; notify or terminate", error.getMessage());
        assertTrue(EventRules.NONE.on(ExternalEvent.SINK_FULL, new Ladder.Retry(2, 0)).acts());
    }

    @Test
    void deviceCodesMapToTheirEvent() {
        assertEquals(Optional.of(ExternalEvent.SINK_FULL), ExternalEvent.ofCode("NO_SPACE"));
        assertEquals(Optional.of(ExternalEvent.SINK_FULL), ExternalEvent.ofCode("SINK_FULL"));
        assertEquals(Optional.of(ExternalEvent.PEER_RESET), ExternalEvent.ofCode("PEER_RESET"));
        assertEquals(Optional.empty(), ExternalEvent.ofCode("IO"));
        assertEquals(Optional.of(ExternalEvent.MTU_CHANGE), ExternalEvent.ofText("mtu-change"));
        assertTrue(ExternalEvent.SINK_FULL.retryable());
        assertFalse(ExternalEvent.PEER_RESET.retryable(), "a reset stream cannot be resumed");
    }

    @Test
    void onlyRulesBeyondTerminateMakeTheSinkAct() {
        assertFalse(EventRules.NONE.acts());
        assertFalse(EventRules.NONE.on(ExternalEvent.PEER_RESET, new Ladder.Terminate()).acts());
        assertTrue(EventRules.NONE.on(ExternalEvent.SINK_FULL, new Ladder.Retry(2, 0)).acts());
    }

    @Test
    void theSpecKeepsItsRulesThroughEveryChangeAndTheApplicationAnswersTheirNotify() {
        final FlowSpec spec = Flows.from(Devices.file(Path.of("in"))).to(Devices.fileSink(Path.of("out")))
            .on(ExternalEvent.SINK_FULL, new Ladder.Retry(3, 1_000_000L), new Ladder.Notify()).build();
        final EventRules rules = spec.events();
        assertEquals("retry 3 backoff 1ms -> notify -> terminate", rules.of(ExternalEvent.SINK_FULL).orElseThrow().text());
        assertEquals(rules, spec.withPrincipal("web").withPolicy(spec.policy()).withStages(spec.stages()).events());
        final NotifyHandler application = n -> CompletableFuture.completedFuture(Decision.RETRY);
        final Ladder answered = Ladder.notifying(spec, application).events().of(ExternalEvent.SINK_FULL).orElseThrow();
        assertEquals(application, ((Ladder.Notify) answered.steps().get(1)).handler());
    }
}
