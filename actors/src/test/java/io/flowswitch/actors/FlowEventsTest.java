package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.proto.FlowEventMessage;
import io.flowswitch.scheduler.Grants;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The events a flow manager streams to the application, in order, and their protobuf form. */
class FlowEventsTest {
    private static final Config CONFIG = ConfigFactory.parseString("""
            flowswitch.node.progress-interval = 20ms
            flowswitch.pool.gzip { instances = 1 }
            """).withFallback(ConfigFactory.load());
    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    static final ManagerFixture fixture = new ManagerFixture("events", CONFIG,
        ManagerFixture.configuredPool(CONFIG), Grants.unrestricted());

    @TempDir
    Path dir;

    private record Opened(long flowId, FlowManager.OpenFlow open, TestProbe<FlowEvent> events) {
        FlowResult result() throws Exception {
            return open.result().get(10, TimeUnit.SECONDS);
        }
    }

    private static Opened open(FlowSpec spec) {
        final TestProbe<FlowEvent> events = fixture.probe();
        final long flowId = fixture.nextFlowId();
        final FlowManager.OpenFlow open = new FlowManager.OpenFlow(flowId, spec, new CompletableFuture<>(),
            new CompletableFuture<>(), null, events.getRef());
        fixture.manager().tell(open);
        return new Opened(flowId, open, events);
    }

    @Test
    void aFlowThatSucceedsIsAdmittedStartedAndCompletedInThatOrder() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[10_000]);
        final Opened flow = open(Flows.from(Devices.file(in)).via(Devices.sha256())
            .to(Devices.fileSink(dir.resolve("out.bin"))).rateBytesPerSecond(1 << 20).build());
        assertTrue(flow.result().succeeded());

        final FlowEvent.Admitted admitted = flow.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        assertEquals(flow.flowId(), admitted.flowId());
        assertEquals(FlowManager.DEFAULT_PRINCIPAL, admitted.principal());
        assertEquals(3, admitted.instances().size(), admitted.toString());
        assertTrue(admitted.instances().get(1).startsWith("sha256#"), admitted.toString());
        assertEquals(1 << 20, admitted.rateBytesPerSecond());
        final FlowEvent.Started started = flow.events().expectMessageClass(FlowEvent.Started.class, WAIT);
        assertTrue(started.setUpNs() > 0);
        final FlowEvent last = lastEvent(flow.events());
        final FlowEvent.Completed completed = assertInstanceOf(FlowEvent.Completed.class, last);
        assertEquals(10_000, completed.bytesIn());
        assertEquals(10_000, completed.bytesOut());
        flow.events().expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void aRunningFlowReportsGrowingProgressUntilItsLastByte() throws Exception {
        final int size = 64 * 1024;
        final Path in = Files.write(dir.resolve("in.bin"), new byte[size]);
        // 64 KiB at 512 KiB/s: about 125 ms, several progress intervals of 20 ms.
        final Opened flow = open(Flows.from(Devices.file(in)).via(Devices.rateLimit(512 * 1024, 0))
            .to(Devices.fileSink(dir.resolve("out.bin"))).chunkBytes(4096).build());
        assertTrue(flow.result().succeeded());
        flow.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        flow.events().expectMessageClass(FlowEvent.Started.class, WAIT);
        final List<FlowEvent.Progress> progress = new ArrayList<>();
        FlowEvent event;
        while (!(event = flow.events().receiveMessage(WAIT)).terminal()) {
            progress.add(assertInstanceOf(FlowEvent.Progress.class, event));
        }
        assertInstanceOf(FlowEvent.Completed.class, event);
        assertTrue(progress.size() >= 2, "progress every 20 ms of a 125 ms flow: " + progress);
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i).bytesDone() >= progress.get(i - 1).bytesDone(), progress.toString());
            assertTrue(progress.get(i).bytesDone() != progress.get(i - 1).bytesDone()
                || progress.get(i).bytesRead() != progress.get(i - 1).bytesRead(), "sent only when it moved");
        }
        final FlowEvent.Progress end = progress.get(progress.size() - 1);
        assertEquals(size, end.bytesDone());
        assertEquals(size, end.totalBytes());
    }

    @Test
    void anInvalidFlowAndARefusedOneHearOnlyRefused() throws Exception {
        final Opened invalid = open(Flows.from(Devices.file(dir.resolve("absent.bin")))
            .to(Devices.fileSink(dir.resolve("out.bin"))).build());
        final FlowEvent.Refused refused = invalid.events().expectMessageClass(FlowEvent.Refused.class, WAIT);
        assertEquals("INVALID_FLOW", refused.code());
        assertTrue(refused.message().contains("absent.bin"), refused.message());
        invalid.events().expectNoMessage(Duration.ofMillis(50));

        final Path in = Files.write(dir.resolve("in.bin"), new byte[100]);
        final Opened greedy = open(Flows.from(Devices.file(in)).via(Devices.sha256())
            .to(Devices.fileSink(dir.resolve("out.bin"))).rateBytesPerSecond(1L << 50).build());
        final FlowEvent.Refused tooMuch = greedy.events().expectMessageClass(FlowEvent.Refused.class, WAIT);
        assertEquals("ADMISSION_REFUSED", tooMuch.code());
        assertTrue(tooMuch.message().contains("requested"), tooMuch.message());
        assertFalse(greedy.result().succeeded());
    }

    @Test
    void aFlowThatFailsWhileRunningRaisesAnExceptionThenFails() throws Exception {
        final byte[] garbage = new byte[5000];
        new Random(3).nextBytes(garbage);
        final Path in = Files.write(dir.resolve("in.bin"), garbage);
        final Opened flow = open(Flows.from(Devices.file(in)).via(Devices.aesGcmDecrypt("k"))
            .to(Devices.fileSink(dir.resolve("out.bin"))).key("k", new byte[32]).build());
        assertFalse(flow.result().succeeded(), () -> { try { return flow.result().toString() + java.util.Arrays.toString(Files.readAllBytes(dir.resolve("out.bin"))); } catch (Exception e) { return e.toString(); } });
        flow.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        flow.events().expectMessageClass(FlowEvent.Started.class, WAIT);
        FlowEvent event = flow.events().receiveMessage(WAIT);
        while (event instanceof FlowEvent.Progress) {
            event = flow.events().receiveMessage(WAIT);
        }
        final FlowEvent.ExceptionRaised raised = assertInstanceOf(FlowEvent.ExceptionRaised.class, event);
        assertEquals("terminate", raised.handling());
        final FlowEvent.Failed failed = flow.events().expectMessageClass(FlowEvent.Failed.class, WAIT);
        assertEquals(raised.code(), failed.code());
        assertEquals(flow.result().error().getMessage(), failed.message());
        assertFalse(Files.exists(dir.resolve("out.bin")), "no partial output");
    }

    @Test
    void aCancelledFlowHearsCancelledWithTheReason() throws Exception {
        final int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        final Opened flow = open(Flows.from(Devices.tcpListen(port)).to(Devices.fileSink(dir.resolve("out.bin")))
            .build());
        flow.events().expectMessageClass(FlowEvent.Admitted.class, WAIT);
        flow.events().expectMessageClass(FlowEvent.Started.class, WAIT);
        fixture.manager().tell(new FlowManager.CancelFlow(flow.flowId(), "the user closed the window"));
        final FlowEvent.Cancelled cancelled = assertInstanceOf(FlowEvent.Cancelled.class, lastEvent(flow.events()));
        assertEquals("the user closed the window", cancelled.reason());
    }

    @Test
    void aListenerOnTheJavaApiHearsEveryEventInOrder() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[3000]);
        final List<FlowEvent> heard = new CopyOnWriteArrayList<>();
        try (FlowSwitch node = FlowSwitch.start(CONFIG, DeviceCatalog.builtIn())) {
            final FlowHandle handle = node.runWithListener(Flows.from(Devices.file(in)).to(Devices.fileSink(dir.resolve("o")))
                .build(), heard::add);
            assertTrue(handle.completion().toCompletableFuture().get(10, TimeUnit.SECONDS).succeeded());
            Eventually.waitUntil(Duration.ofSeconds(2),
                () -> !heard.isEmpty() && heard.get(heard.size() - 1).terminal());
            final List<Class<?>> kinds = heard.stream().filter(e -> !(e instanceof FlowEvent.Progress))
                .<Class<?>>map(Object::getClass).toList();
            assertEquals(List.of(FlowEvent.Admitted.class, FlowEvent.Started.class, FlowEvent.Completed.class), kinds);
            assertTrue(heard.stream().allMatch(e -> e.flowId() == handle.flowId()));

            final List<FlowEvent> refused = new CopyOnWriteArrayList<>();
            node.runWithListener(Flows.from(Devices.file(dir.resolve("absent"))).to(Devices.fileSink(dir.resolve("o2"))).build(),
                event -> {
                    refused.add(event);
                    throw new IllegalStateException("a listener that throws does not touch the node");
                }).completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Eventually.waitUntil(Duration.ofSeconds(2), () -> !refused.isEmpty());
            assertInstanceOf(FlowEvent.Refused.class, refused.get(0));
        }
    }

    @Test
    void everyEventSurvivesItsProtobufForm() throws Exception {
        final List<FlowEvent> events = List.of(
            new FlowEvent.Admitted(1, "web", List.of("file-source#0", "aes-card#2"), 300L << 20),
            new FlowEvent.Started(1, 123_456, List.of("aeron:ipc stream 1001")),
            new FlowEvent.Progress(1, 4096, 2048, -1),
            new FlowEvent.Replanned(1, "aes-card measured 150 MiB/s, planned 300 MiB/s", "aes-card x3", false),
            new FlowEvent.ExceptionRaised(1, "AUTH_FAILED", "tag mismatch in record 3", "terminate"),
            new FlowEvent.Completed(1, 10, 20, 1, 99),
            new FlowEvent.Failed(1, "AUTH_FAILED", "tag mismatch", 4096),
            new FlowEvent.Cancelled(1, "owner stopped", 0),
            new FlowEvent.Refused(1, "ADMISSION_REFUSED", "flow 1 refused: ..."));
        assertEquals(FlowEvent.class.getPermittedSubclasses().length, events.size(), "one of every kind");
        for (FlowEvent event : events) {
            final byte[] bytes = FlowEvents.toProto(event).toByteArray();
            assertEquals(event, FlowEvents.fromProto(FlowEventMessage.parseFrom(bytes)));
        }
        final IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
            () -> FlowEvents.fromProto(FlowEventMessage.newBuilder().setFlowId(9).build()));
        assertTrue(empty.getMessage().contains("flow 9"), empty.getMessage());
    }

    private static FlowEvent lastEvent(TestProbe<FlowEvent> probe) {
        FlowEvent event;
        do {
            event = probe.receiveMessage(WAIT);
        } while (!event.terminal());
        return event;
    }
}
