package io.flowswitch.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.proto.OpenFlowRequest;
import java.nio.file.Path;
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
}
