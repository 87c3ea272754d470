package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpecMessages;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.proto.OpenFlowReply;
import io.flowswitch.proto.OpenFlowRequest;
import io.flowswitch.proto.StageSpec;
import io.flowswitch.scheduler.Grants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows opened by protobuf message: a good one runs as its principal; garbage bytes and malformed or invalid
 * specs get a reply that says what is wrong, and a flow already running finishes untouched.
 */
class OpenFlowMessageTest {
    private static final Config CONFIG = ConfigFactory.parseString("""
            flowswitch.grants {
              default { devices = ["*"], max-instances = 64, max-rate-bytes-per-second = 1TiB }
              web { devices = [file-source, file-sink, rate-limit], max-instances = 8,
                    max-rate-bytes-per-second = 1GiB }
            }
            """).withFallback(ConfigFactory.load());
    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    static final ManagerFixture fixture = new ManagerFixture("open-flow", CONFIG,
        ManagerFixture.standardPool(), Grants.fromConfig(CONFIG));

    @TempDir
    Path dir;

    private record Sent(long flowId, OpenFlowReply reply, TestProbe<FlowEvent> events) {}

    private static Sent send(byte[] bytes) {
        final TestProbe<OpenFlowReply> replies = fixture.probe();
        final TestProbe<FlowEvent> events = fixture.probe();
        final long flowId = fixture.nextFlowId();
        fixture.manager().tell(new FlowManager.OpenFlowMessage(flowId, bytes, replies.getRef(), events.getRef()));
        return new Sent(flowId, replies.receiveMessage(WAIT), events);
    }

    @Test
    void aGoodMessageRunsTheFlowAsItsPrincipal() throws Exception {
        final byte[] bytes = new byte[100_000];
        new Random(5).nextBytes(bytes);
        final Path in = Files.write(dir.resolve("in.bin"), bytes);
        final Path out = dir.resolve("out.bin");
        final Sent sent = send(FlowSpecMessages.encodeOpenFlow(Flows.from(Devices.file(in))
            .via(Devices.rateLimit(1L << 30, 0)).to(Devices.fileSink(out)).principal("web")
            .rateBytesPerSecond(1 << 20).weight(2).build()));
        assertTrue(sent.reply().getAccepted(), sent.reply().toString());
        assertEquals(sent.flowId(), sent.reply().getFlowId());
        final FlowEvent.Admitted admitted = sent.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        assertEquals("web", admitted.principal());
        assertEquals(1 << 20, admitted.rateBytesPerSecond());
        FlowEvent event;
        do {
            event = sent.events().receiveMessage(WAIT);
        } while (!event.terminal());
        assertTrue(event instanceof FlowEvent.Completed, event.toString());
        assertArrayEquals(bytes, Files.readAllBytes(out));
    }

    @Test
    void thePrincipalsGrantDecidesAdmission() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[10]);
        final Sent notGranted = send(FlowSpecMessages.encodeOpenFlow(Flows.from(Devices.file(in))
            .via(Devices.sha256()).to(Devices.fileSink(dir.resolve("out.bin"))).principal("web").build()));
        assertFalse(notGranted.reply().getAccepted());
        assertEquals("ADMISSION_REFUSED", notGranted.reply().getCode());
        assertTrue(notGranted.reply().getError().contains("grant flowswitch.grants.web does not include device kind"
            + " 'sha256'"), notGranted.reply().getError());
        assertEquals("ADMISSION_REFUSED", notGranted.events().expectMessageClass(FlowEvent.Refused.class, WAIT).code());

        final Sent stranger = send(FlowSpecMessages.encodeOpenFlow(Flows.from(Devices.file(in))
            .to(Devices.fileSink(dir.resolve("out.bin"))).principal("mallory").build()));
        assertTrue(stranger.reply().getError().contains("principal 'mallory' has no grant"),
            stranger.reply().getError());
    }

    @Test
    void garbageBytesGetAClearReplyAndARunningFlowFinishesUntouched() throws Exception {
        final byte[] bytes = new byte[64 * 1024];
        new Random(6).nextBytes(bytes);
        final Path in = Files.write(dir.resolve("in.bin"), bytes);
        final Path out = dir.resolve("out.bin");
        // About half a second at 128 KiB/s: running while the bad messages arrive.
        final FlowManager.OpenFlow running = new FlowManager.OpenFlow(fixture.nextFlowId(), Flows.from(Devices.file(in))
            .via(Devices.rateLimit(128 * 1024, 0)).to(Devices.fileSink(out)).chunkBytes(4096).build(),
            new CompletableFuture<>(), new CompletableFuture<>());
        fixture.manager().tell(running);
        running.compiled().get(10, TimeUnit.SECONDS);

        final byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x01, 0x02};
        final Sent bad = send(garbage);
        assertFalse(bad.reply().getAccepted());
        assertEquals(FlowSpecMessages.BAD_MESSAGE, bad.reply().getCode());
        assertTrue(bad.reply().getError().startsWith("open-flow request of 7 bytes is not a valid OpenFlowRequest"
            + " message: "), bad.reply().getError());
        assertEquals(FlowSpecMessages.BAD_MESSAGE, bad.events().expectMessageClass(FlowEvent.Refused.class, WAIT).code());

        final Sent empty = send(new byte[0]);
        assertEquals("open-flow request of 0 bytes has no flow spec (field 1, spec)", empty.reply().getError());

        final Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            final byte[] noise = new byte[1 + random.nextInt(200)];
            random.nextBytes(noise);
            final OpenFlowReply reply = send(noise).reply();
            assertFalse(reply.getAccepted(), "random bytes never open a flow");
            assertFalse(reply.getError().isEmpty());
        }

        final TestProbe<OpenFlowReply> replies = fixture.probe();
        fixture.manager().tell(new FlowManager.OpenFlowMessage(running.flowId(), FlowSpecMessages.encodeOpenFlow(
            Flows.from(Devices.file(in)).to(Devices.fileSink(dir.resolve("other.bin"))).build()), replies.getRef(),
            null));
        final OpenFlowReply taken = replies.receiveMessage(WAIT);
        assertEquals("INVALID_FLOW", taken.getCode());
        assertEquals("flow id " + running.flowId() + " is in use by a flow that has not ended yet; open the flow"
            + " under another id", taken.getError());

        final FlowResult result = running.result().get(30, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), String.valueOf(result.error()));
        assertArrayEquals(bytes, Files.readAllBytes(out));
    }

    @Test
    void malformedFieldsAreNamedAllAtOnce() {
        final io.flowswitch.proto.FlowSpec spec = io.flowswitch.proto.FlowSpec.newBuilder()
            .setName("bad")
            .addStages(StageSpec.newBuilder().setKind("file-source").putParams("path", "/nowhere"))
            .addStages(StageSpec.newBuilder().setKind(""))
            .addStages(StageSpec.newBuilder().setKind("sha256").setReplicas(5000))
            .addStages(StageSpec.newBuilder().setKind("file-sink").putParams("path", "/nowhere-out"))
            .setChunkBytes(5)
            .setTransportValue(9)
            .build();
        final OpenFlowReply reply = send(OpenFlowRequest.newBuilder().setSpec(spec).build().toByteArray()).reply();
        assertEquals(FlowSpecMessages.BAD_MESSAGE, reply.getCode());
        assertEquals("flow spec 'bad' is malformed: stages[1].kind: empty; name a device kind, e.g. file-source; "
            + "stages[2].replicas: 5000 is more than 1024; chunk_bytes: must be between 1024 and 1048576 (0: the "
            + "default), got 5; transport: unknown value 9; known: TRANSPORT_DEFAULT (0), AERON_IPC (1), FUSED (2)",
            reply.getError());
    }

    @Test
    void aWellFormedButInvalidFlowIsRefusedAsInvalid() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[10]);
        final io.flowswitch.proto.FlowSpec spec = FlowSpecMessages.toProto(Flows.from(Devices.file(in))
            .to(Devices.fileSink(dir.resolve("out.bin"))).build()).toBuilder()
            .addStages(1, StageSpec.newBuilder().setKind("aes-gcm-encrypt").putParams("key", "k1"))
            .addStages(1, StageSpec.newBuilder().setKind("teleport"))
            .build();
        final OpenFlowReply reply = send(OpenFlowRequest.newBuilder().setSpec(spec).build().toByteArray()).reply();
        assertEquals("INVALID_FLOW", reply.getCode());
        assertTrue(reply.getError().contains("stage 2 (teleport): unknown device kind"), reply.getError());
        assertTrue(reply.getError().contains("k1"), "the key is named, and no key travels: " + reply.getError());
    }

    @Test
    void theJavaApiOpensFromBytesToo() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[5000]);
        try (FlowSwitch node = FlowSwitch.start(CONFIG, DeviceCatalog.builtIn())) {
            final OpenFlowReply bad = node.open(new byte[] {(byte) 0xff}, null).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
            assertEquals(FlowSpecMessages.BAD_MESSAGE, bad.getCode());
            final OpenFlowReply good = node.open(FlowSpecMessages.encodeOpenFlow(Flows.from(Devices.file(in))
                .to(Devices.fileSink(dir.resolve("out.bin"))).build()), null).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
            assertTrue(good.getAccepted(), good.toString());
            final FlowHandle after = node.run(Flows.from(Devices.file(in)).to(Devices.fileSink(dir.resolve("o2")))
                .build());
            assertTrue(after.completion().toCompletableFuture().get(10, TimeUnit.SECONDS).succeeded());
            Eventually.waitUntil(Duration.ofSeconds(2), () -> Files.exists(dir.resolve("out.bin")));
            assertEquals(5000, Files.size(dir.resolve("out.bin")));
        }
    }
}
