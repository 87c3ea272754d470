package io.flowswitch.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.fml.Fml;
import io.flowswitch.fml.FmlOptions;
import io.flowswitch.flow.ladder.Decision;
import io.flowswitch.flow.ladder.EventRules;
import io.flowswitch.flow.ladder.ExternalEvent;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.proto.OpenFlowRequest;
import java.nio.file.Path;
import io.flowswitch.proto.EventRule;
import io.flowswitch.proto.LadderStep;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A flow spec survives its protobuf form (keys excepted: they never travel); defaults fill empty fields. */
class FlowSpecMessagesTest {
    @Test
    void aSpecSurvivesItsMessage() {
        final FlowSpec spec = Flows.from(Devices.file(Path.of("in.bin")))
            .via(Devices.aesGcmEncrypt("k1"), 3)
            .via(Devices.sha256().withAutoReplicas())
            .to(Devices.fileSink(Path.of("out.bin")))
            .name("upload").chunkBytes(32 * 1024).transport(Transport.AERON_IPC).portCapacityChunks(16)
            .rateBytesPerSecond(300L << 20).weight(3).principal("web")
            .key("k1", new byte[32])
            .build();
        final FlowSpec decoded = FlowSpecMessages.decodeOpenFlow(FlowSpecMessages.encodeOpenFlow(spec));
        assertEquals(spec.keys().keySet(), java.util.Set.of("k1"));
        assertEquals(new FlowSpec(spec.name(), spec.stages(), spec.chunkBytes(), spec.transport(),
            spec.portCapacityChunks(), java.util.Map.of(), spec.policy(), spec.principal()), decoded);
        assertTrue(decoded.stages().get(2).isAuto());
        assertEquals("file-source -> aes-gcm-encrypt x3 -> sha256 x auto -> file-sink", decoded.chain());
    }

    @Test
    void emptyFieldsTakeTheDefaults() {
        final FlowSpec decoded = FlowSpecMessages.fromProto(io.flowswitch.proto.FlowSpec.newBuilder()
            .addStages(io.flowswitch.proto.StageSpec.newBuilder().setKind("file-source"))
            .addStages(io.flowswitch.proto.StageSpec.newBuilder().setKind("file-sink"))
            .build());
        assertEquals("flow", decoded.name());
        assertEquals(64 * 1024, decoded.chunkBytes());
        assertEquals(Transport.FUSED, decoded.transport());
        assertEquals(FlowSpec.DEFAULT_PORT_CAPACITY_CHUNKS, decoded.portCapacityChunks());
        assertEquals(FlowPolicy.DEFAULT, decoded.policy());
        assertEquals(FlowSpec.DEFAULT_PRINCIPAL, decoded.principal());
        assertEquals(1, decoded.stages().get(0).replicas());
    }

    @Test
    void aRequestWithoutStagesIsMalformed() {
        final FlowException e = assertThrows(FlowException.class, () -> FlowSpecMessages.decodeOpenFlow(
            OpenFlowRequest.newBuilder().setSpec(io.flowswitch.proto.FlowSpec.newBuilder().setName("x")).build()
                .toByteArray()));
        assertEquals(FlowSpecMessages.BAD_MESSAGE, e.code());
        assertEquals("flow spec 'x' is malformed: stages: a flow needs at least a source and a sink, got 0",
            e.getMessage());
    }

    @Test
    void laddersAndEventRulesOfAnFmlProgramSurviveTheMessage() {
        final FlowSpec spec = Fml.check("ladder.fml", """
            flow full-ladder {
              chunk 16KiB
              key k1
              source file-source(path = "in.bin")
              via aes-gcm-encrypt(key = k1, fault = "crash@40") as cipher
              via sha256(fault = "transient@20") as digest
              sink file-sink(path = "out.enc")
              on stage cipher {
                retry 3 backoff 10ms
                redirect instance
                redirect kind aes-gcm-card
                notify
                fallback software
                terminate
              }
              on stage digest { ignore transient  fallback software }
              on peer-reset { notify  terminate }
              on sink-full { retry 5 backoff 1s  notify }
            }
            """, FmlOptions.defaults()).plan().orElseThrow().spec(Map.of("k1", new javax.crypto.spec.SecretKeySpec(
                new byte[32], "AES")));
        assertEquals(2, spec.events().rules().size());
        assertEquals(6, spec.stages().get(1).ladder().steps().size());
        final FlowSpec decoded = FlowSpecMessages.decodeOpenFlow(FlowSpecMessages.encodeOpenFlow(spec));
        assertEquals(new FlowSpec(spec.name(), spec.stages(), spec.chunkBytes(), spec.transport(),
            spec.portCapacityChunks(), Map.of(), spec.policy(), spec.principal(), spec.events()), decoded);
    }

    @Test
    void aLadderWithItsLimitsAndANotifyDefaultSurvivesTheMessage() {
        final Ladder ladder = Ladder.of(new Ladder.Retry(2, 0), new Ladder.Notify(null, 5_000_000L, Decision.TERMINATE))
            .withStallTimeout(Duration.ofMillis(40)).withReplayChunks(128);
        final FlowSpec spec = Flows.from(Devices.file(Path.of("in"))).via(Devices.gzip(1).withLadder(ladder))
            .to(Devices.fileSink(Path.of("out"))).build()
            .withEvents(EventRules.NONE.on(ExternalEvent.SINK_FULL, new Ladder.Retry(3, 1_000_000L)));
        final FlowSpec decoded = FlowSpecMessages.fromProto(FlowSpecMessages.toProto(spec));
        assertEquals(ladder, decoded.stages().get(1).ladder());
        assertEquals(Ladder.NONE, decoded.stages().get(0).ladder());
        assertEquals(spec.events(), decoded.events());
    }

    @Test
    void aBadLadderOrEventRuleIsNamedByItsField() {
        final io.flowswitch.proto.FlowSpec message = io.flowswitch.proto.FlowSpec.newBuilder().setName("x")
            .addStages(io.flowswitch.proto.StageSpec.newBuilder().setKind("file-source"))
            .addStages(io.flowswitch.proto.StageSpec.newBuilder().setKind("gzip").setLadder(
                io.flowswitch.proto.Ladder.newBuilder()
                    .addSteps(LadderStep.newBuilder().setRetry(LadderStep.Retry.newBuilder().setTimes(0)))
                    .addSteps(LadderStep.newBuilder())
                    .addSteps(LadderStep.newBuilder().setRedirectKind(""))))
            .addStages(io.flowswitch.proto.StageSpec.newBuilder().setKind("sha256").setLadder(
                io.flowswitch.proto.Ladder.newBuilder().setReplayChunks(1)
                    .addSteps(LadderStep.newBuilder().setFallbackSoftware(LadderStep.Empty.getDefaultInstance()))
                    .addSteps(LadderStep.newBuilder().setRetry(LadderStep.Retry.newBuilder().setTimes(1)))))
            .addStages(io.flowswitch.proto.StageSpec.newBuilder().setKind("file-sink"))
            .addEvents(EventRule.newBuilder())
            .addEvents(EventRule.newBuilder().setEvent(io.flowswitch.proto.ExternalEvent.EVENT_SINK_FULL)
                .setLadder(io.flowswitch.proto.Ladder.newBuilder().addSteps(
                    LadderStep.newBuilder().setRedirectInstance(LadderStep.Empty.getDefaultInstance()))))
            .addEvents(EventRule.newBuilder().setEventValue(9))
            .build();
        final FlowException e = assertThrows(FlowException.class, () -> FlowSpecMessages.fromProto(message));
        assertEquals(FlowSpecMessages.BAD_MESSAGE, e.code());
        assertEquals("flow spec 'x' is malformed:"
            + " stages[1].ladder.steps[0]: retry takes 1 to 10 tries, got 0;"
            + " stages[1].ladder.steps[1]: no step set; set one of retry, ignore_transient, redirect_instance,"
            + " redirect_kind, notify, fallback_software, terminate;"
            + " stages[1].ladder.steps[2]: empty; name a device kind, e.g. aes-gcm-encrypt;"
            + " stages[2].ladder: ladder steps must be in ladder order: 'retry 1' cannot follow 'fallback software';"
            + " events[0].event: not set; known: EVENT_PEER_RESET (1), EVENT_SINK_FULL (2), EVENT_MTU_CHANGE (3);"
            + " events[1].ladder: 'redirect instance' does not apply to event 'sink-full': an event rule may retry,"
            + " ignore transient, notify or terminate;"
            + " events[2].event: unknown value 9; known: EVENT_PEER_RESET (1), EVENT_SINK_FULL (2), EVENT_MTU_CHANGE (3)",
            e.getMessage());
    }
}
