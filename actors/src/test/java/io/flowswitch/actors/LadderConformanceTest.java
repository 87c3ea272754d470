package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.compress.GzipReference;
import io.flowswitch.devices.crypto.AesGcmReference;
import io.flowswitch.devices.digest.DigestReference;
import io.flowswitch.devices.fault.Fault;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.ladder.Decision;
import io.flowswitch.flow.ladder.EventRules;
import io.flowswitch.flow.ladder.ExternalEvent;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.ladder.NotifyHandler;
import io.flowswitch.flow.ladder.Receipt;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ladder's conformance suite: every device kind x every fault it can take x the step its policy
 * selects, through a real node and real files. Either the output is byte-identical to the software
 * reference (SHA-256) with no gap in any stage's sequence numbers, or the flow ends at step 5 with an
 * error that names the stage and the cause, no output file and every lease back.
 */
class LadderConformanceTest {
    private static final int CHUNK = 4096;
    private static final int FAULT_AT = 3;
    private static final byte[] KEY = new byte[32];
    private static final byte[] SALT = new byte[12];
    private static final String SALT_HEX;
    private static final byte[] PLAIN = new byte[CHUNK * 10 + 1234];
    private static byte[] encrypted;
    private static byte[] gzipped;
    private static FlowSwitch node;

    static {
        final Random random = new Random(6);
        random.nextBytes(KEY);
        random.nextBytes(SALT);
        random.nextBytes(PLAIN);
        SALT_HEX = HexFormat.of().formatHex(SALT);
    }

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        node = FlowSwitch.start();
        final ByteArrayOutputStream enc = new ByteArrayOutputStream();
        AesGcmReference.encrypt(new ByteArrayInputStream(PLAIN), enc, new SecretKeySpec(KEY, "AES"), SALT, CHUNK);
        encrypted = enc.toByteArray();
        final ByteArrayOutputStream gz = new ByteArrayOutputStream();
        GzipReference.compress(new ByteArrayInputStream(PLAIN), gz, 1, CHUNK);
        gzipped = gz.toByteArray();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @AfterEach
    void allStagesStoppedAndLeasesBack() throws Exception {
        StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
        Eventually.waitUntil(Duration.ofSeconds(5),
            () -> node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).liveLeases() == 0);
        assertEquals(0, node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).liveLeases(),
            "every lease is back");
    }

    /** A transform kind: its stage, what it reads, what it must write. */
    enum Kind {
        AES_GCM_ENCRYPT, AES_GCM_CARD, AES_GCM_DECRYPT, SHA256, CRC32C, GZIP, GUNZIP, RATE_LIMIT;

        StageSpec stage() {
            return switch (this) {
                case AES_GCM_ENCRYPT -> StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex", SALT_HEX);
                case AES_GCM_CARD -> StageSpec.of("aes-gcm-card", "key", "k", "salt-hex", SALT_HEX);
                case AES_GCM_DECRYPT -> Devices.aesGcmDecrypt("k");
                case SHA256 -> Devices.sha256();
                case CRC32C -> Devices.crc32c();
                case GZIP -> Devices.gzip(1);
                case GUNZIP -> Devices.gunzip();
                case RATE_LIMIT -> Devices.rateLimit(1L << 30, 0);
            };
        }

        byte[] input() {
            return switch (this) {
                case AES_GCM_DECRYPT -> encrypted;
                case GUNZIP -> gzipped;
                default -> PLAIN;
            };
        }

        byte[] reference() {
            return switch (this) {
                case AES_GCM_ENCRYPT, AES_GCM_CARD -> encrypted;
                case GZIP -> gzipped;
                default -> PLAIN;
            };
        }

        /** Whether corrupted output can be caught: by the device's own check, or by the stage that undoes it. */
        StageSpec checker() {
            return switch (this) {
                case AES_GCM_ENCRYPT, AES_GCM_CARD -> Devices.aesGcmDecrypt("k");
                case GZIP -> Devices.gunzip();
                default -> null;
            };
        }

        boolean identity() {
            return this == SHA256 || this == CRC32C || this == RATE_LIMIT;
        }
    }

    /** The policy each fault selects, and the fault. */
    static Stream<Arguments> transformCases() {
        final List<Arguments> cases = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            cases.add(Arguments.of(kind, "transient@" + FAULT_AT + "x2", Ladder.of(new Ladder.Retry(2, 1_000_000))));
            cases.add(Arguments.of(kind, "permanent@" + FAULT_AT, Ladder.of(new Ladder.RedirectInstance())));
            cases.add(Arguments.of(kind, "crash@" + FAULT_AT, Ladder.of(new Ladder.FallbackSoftware())));
            cases.add(Arguments.of(kind, "crash@" + FAULT_AT, Ladder.of(new Ladder.RedirectKind(kind.stage().kind()))));
            // Long enough that a healthy device on a loaded machine does not look stalled after the one retry.
            cases.add(Arguments.of(kind, "stall@" + FAULT_AT,
                Ladder.of(new Ladder.Retry(1, 1_000_000)).withStallTimeout(Duration.ofMillis(250))));
            cases.add(Arguments.of(kind, "slow@" + FAULT_AT + ":1ms", Ladder.NONE));
            // The stall timeout is out of reach: only the supervisor's watch of the device actor starts the ladder.
            cases.add(Arguments.of(kind, "actor-crash@" + FAULT_AT,
                Ladder.of(new Ladder.RedirectInstance()).withStallTimeout(Duration.ofSeconds(60))));
            if (kind.identity()) {
                cases.add(Arguments.of(kind, "corrupt@" + FAULT_AT, Ladder.of(new Ladder.Retry(1, 0))));
            }
        }
        cases.add(Arguments.of(Kind.GZIP, "actor-crash@" + FAULT_AT,
            Ladder.of(new Ladder.FallbackSoftware()).withStallTimeout(Duration.ofSeconds(60))));
        cases.add(Arguments.of(Kind.AES_GCM_CARD, "actor-crash@" + FAULT_AT,
            Ladder.of(new Ladder.RedirectKind("aes-gcm-encrypt")).withStallTimeout(Duration.ofSeconds(60))));
        // The modelled card fails for good: the software cipher of another kind takes over, and back.
        cases.add(Arguments.of(Kind.AES_GCM_CARD, "permanent@" + FAULT_AT,
            Ladder.of(new Ladder.RedirectKind("aes-gcm-encrypt"))));
        cases.add(Arguments.of(Kind.AES_GCM_ENCRYPT, "crash@" + FAULT_AT,
            Ladder.of(new Ladder.RedirectKind("aes-gcm-card"))));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} with {1}, ladder {2}: identical output")
    @MethodSource("transformCases")
    void theLadderRecoversWithIdenticalOutput(Kind kind, String fault, Ladder ladder) throws Exception {
        final Path in = Files.write(dir.resolve("in"), kind.input());
        final Path out = dir.resolve("out");
        final FlowResult result = run(Flows.from(Devices.file(in))
            .via(kind.stage().withFault(Fault.parse(fault, "test")).withLadder(ladder))
            .to(Devices.fileSink(out)));
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertEquals(sha256(kind.reference()), sha256(Files.readAllBytes(out)), "byte-identical to the reference");
        if (kind == Kind.SHA256) {
            assertEquals(DigestReference.sha256Hex(new ByteArrayInputStream(PLAIN)), result.result("sha256"));
        }
        if (kind == Kind.CRC32C) {
            assertEquals(DigestReference.crc32cHex(new ByteArrayInputStream(PLAIN)), result.result("crc32c"));
        }
        final Receipt receipt = result.receipt();
        for (Receipt.Audit audit : receipt.audits()) {
            assertEquals(0, audit.gaps(), "no chunk lost or reordered: " + audit);
            assertEquals(0, audit.ignored(), "no chunk dropped: " + audit);
        }
        if (fault.startsWith("actor-crash")) {
            assertTrue(receipt.steps().stream().allMatch(s -> s.code().equals("ACTOR_CRASHED")),
                receipt.steps()::toString);
        }
        if (!fault.startsWith("slow")) {
            assertFalse(receipt.steps().isEmpty(), "the receipt names the step taken");
            assertTrue(receipt.steps().stream().allMatch(s -> s.stage().startsWith("2:")), receipt.steps()::toString);
        }
    }

    static Stream<Arguments> terminatingCases() {
        final List<Arguments> cases = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            // Without a ladder, and with one whose steps cannot get past the fault.
            cases.add(Arguments.of(kind, "crash@" + FAULT_AT, Ladder.NONE, "CRASHED"));
            cases.add(Arguments.of(kind, "permanent@" + FAULT_AT, Ladder.of(new Ladder.Retry(2, 1_000_000)),
                "DEVICE_FAILED"));
            cases.add(Arguments.of(kind, "stall@" + FAULT_AT, Ladder.NONE.withStallTimeout(Duration.ofMillis(50)),
                "STALLED"));
            cases.add(Arguments.of(kind, "actor-crash@" + FAULT_AT,
                Ladder.NONE.withStallTimeout(Duration.ofSeconds(60)), "ACTOR_CRASHED"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} with {1}, ladder {2}: ends at step 5")
    @MethodSource("terminatingCases")
    void theLadderEndsTheFlowNamingStageAndCause(Kind kind, String fault, Ladder ladder, String code)
        throws Exception {
        final Path in = Files.write(dir.resolve("in"), kind.input());
        final Path out = dir.resolve("out");
        final FlowResult result = run(Flows.from(Devices.file(in))
            .via(kind.stage().withFault(Fault.parse(fault, "test")).withLadder(ladder))
            .to(Devices.fileSink(out)));
        assertTerminated(result, out, "stage 2 (" + kind.stage().kind() + ")", code);
    }

    @ParameterizedTest(name = "{0}: corrupted output is caught by the next check")
    @MethodSource("corruptionCheckedDownstream")
    void corruptedOutputIsCaughtByTheNextIntegrityCheck(Kind kind) throws Exception {
        final Path in = Files.write(dir.resolve("in"), kind.input());
        final Path out = dir.resolve("out");
        final FlowResult result = run(Flows.from(Devices.file(in))
            .via(kind.stage().withFault(Fault.parse("corrupt@" + FAULT_AT, "test"))
                .withLadder(Ladder.of(new Ladder.Retry(1, 0))))
            .via(kind.checker().withLadder(Ladder.of(new Ladder.Retry(1, 0))))
            .to(Devices.fileSink(out)));
        assertTerminated(result, out, "stage 3 (" + kind.checker().kind() + ")",
            kind == Kind.GZIP ? "" : "AUTH_FAILED");
    }

    static Stream<Kind> corruptionCheckedDownstream() {
        return Stream.of(Kind.values()).filter(k -> k.checker() != null);
    }

    static Stream<Arguments> endCases() {
        return Stream.of(
            Arguments.of("source", "transient@" + FAULT_AT, "TRANSIENT"),
            Arguments.of("source", "permanent@" + FAULT_AT, "DEVICE_FAILED"),
            Arguments.of("source", "crash@" + FAULT_AT, "CRASHED"),
            Arguments.of("source", "slow@" + FAULT_AT + ":1ms", null),
            Arguments.of("sink", "transient@" + FAULT_AT, "TRANSIENT"),
            Arguments.of("sink", "permanent@" + FAULT_AT, "DEVICE_FAILED"),
            Arguments.of("sink", "crash@" + FAULT_AT, "CRASHED"),
            Arguments.of("sink", "peer-reset@" + FAULT_AT, "PEER_RESET"),
            Arguments.of("sink", "sink-full@" + FAULT_AT, "SINK_FULL"),
            Arguments.of("sink", "slow@" + FAULT_AT + ":1ms", null));
    }

    @ParameterizedTest(name = "file-{0} with {1}")
    @MethodSource("endCases")
    void sourcesAndSinksEndTheFlowOrPassUnharmed(String end, String fault, String code) throws Exception {
        final Path in = Files.write(dir.resolve("in"), PLAIN);
        final Path out = dir.resolve("out");
        final Fault injected = Fault.parse(fault, "test");
        final StageSpec source = end.equals("source") ? Devices.file(in).withFault(injected) : Devices.file(in);
        final StageSpec sink = end.equals("sink") ? Devices.fileSink(out).withFault(injected) : Devices.fileSink(out);
        final FlowResult result = run(Flows.from(source).via(Devices.sha256()).to(sink));
        if (code == null) {
            assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
            assertEquals(sha256(PLAIN), sha256(Files.readAllBytes(out)));
        } else {
            assertTerminated(result, out, end.equals("source") ? "stage 1 (file-source)" : "stage 3 (file-sink)", code);
        }
    }

    /** An external event at the sink, the flow's rules for it, the code it ends with (null: it recovers). */
    static Stream<Arguments> eventCases() {
        final NotifyHandler retry = n -> CompletableFuture.completedFuture(Decision.RETRY);
        final NotifyHandler terminate = n -> CompletableFuture.completedFuture(Decision.TERMINATE);
        return Stream.of(
            Arguments.of("sink-full@" + FAULT_AT + "x2",
                EventRules.NONE.on(ExternalEvent.SINK_FULL, new Ladder.Retry(3, 1_000_000)), null, "retry 2/3"),
            Arguments.of("sink-full@" + FAULT_AT,
                EventRules.NONE.on(ExternalEvent.SINK_FULL, new Ladder.Notify(retry, 1_000_000_000L, Decision.CONTINUE)),
                null, "notify: decision retry"),
            Arguments.of("sink-full@" + FAULT_AT + "x5",
                EventRules.NONE.on(ExternalEvent.SINK_FULL, new Ladder.Retry(2, 0)), "SINK_FULL", "terminate"),
            Arguments.of("peer-reset@" + FAULT_AT, EventRules.NONE.on(ExternalEvent.PEER_RESET,
                new Ladder.Notify(terminate, 1_000_000_000L, Decision.CONTINUE)), "PEER_RESET", "notify: decision terminate"),
            Arguments.of("peer-reset@" + FAULT_AT, EventRules.NONE.on(ExternalEvent.SINK_FULL, new Ladder.Retry(2, 0)),
                "PEER_RESET", null));
    }

    @ParameterizedTest(name = "file-sink with {1}, rules {2}")
    @MethodSource("eventCases")
    void externalEventsAtTheSinkFollowTheFlowsRules(String fault, EventRules rules, String code, String action)
        throws Exception {
        final Path in = Files.write(dir.resolve("in"), PLAIN);
        final Path out = dir.resolve("out");
        final Flows.Builder flow = Flows.from(Devices.file(in)).via(Devices.sha256())
            .to(Devices.fileSink(out).withFault(Fault.parse(fault, "test")));
        rules.rules().forEach((event, ladder) -> flow.on(event, ladder.steps().toArray(Ladder.Step[]::new)));
        final FlowResult result = run(flow);
        if (code == null) {
            assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
            // The sink filled in the middle of chunk 3: its first half is not in the output twice.
            assertEquals(sha256(PLAIN), sha256(Files.readAllBytes(out)));
        } else {
            assertTerminated(result, out, "stage 3 (file-sink)", code);
        }
        if (action != null) {
            assertTrue(result.receipt().steps().stream().anyMatch(s -> s.stage().equals("3:file-sink")
                && s.action().startsWith(action) && s.sequence() == FAULT_AT), () -> "receipt: " + result.receipt());
            if (code != null) {
                assertTrue(result.error().getMessage().contains("the flow's rules for " + fault.split("@")[0]),
                    result.error().getMessage());
            }
        } else {
            assertTrue(result.receipt().steps().isEmpty(), () -> "no rule for this event: " + result.receipt());
        }
    }

    /** A path MTU change at a framer, the flow's rules for it, the code it ends with (null: it recovers). */
    static Stream<Arguments> mtuChangeCases() {
        final NotifyHandler retry = n -> CompletableFuture.completedFuture(Decision.RETRY);
        final NotifyHandler terminate = n -> CompletableFuture.completedFuture(Decision.TERMINATE);
        return Stream.of(
            Arguments.of(EventRules.NONE.on(ExternalEvent.MTU_CHANGE, new Ladder.Retry(1, 0)), null, "re-frame"),
            Arguments.of(EventRules.NONE.on(ExternalEvent.MTU_CHANGE, new Ladder.Notify(retry, 1_000_000_000L,
                Decision.CONTINUE)), null, "notify: decision retry"),
            Arguments.of(EventRules.NONE.on(ExternalEvent.MTU_CHANGE, new Ladder.IgnoreTransient()), null,
                "ignore transient"),
            Arguments.of(EventRules.NONE.on(ExternalEvent.MTU_CHANGE, new Ladder.Notify(terminate, 1_000_000_000L,
                Decision.CONTINUE)), "MTU_CHANGED", "notify: decision terminate"),
            Arguments.of(EventRules.NONE, "MTU_CHANGED", "terminate"));
    }

    @ParameterizedTest(name = "frame with mtu-change, rules {0}")
    @MethodSource("mtuChangeCases")
    void aPathMtuChangeAtAFramerFollowsTheFlowsRules(EventRules rules, String code, String action) throws Exception {
        final String program = "length:u32=length;seq:u64=sequence;crc:u32=crc32c";
        final int mtu = 1000;
        final Path in = Files.write(dir.resolve("in"), PLAIN);
        final Path out = dir.resolve("out");
        final Flows.Builder flow = Flows.from(Devices.file(in))
            .via(Devices.frame(program).withFault(Fault.parse("mtu-change@" + FAULT_AT + ":" + mtu, "test")))
            .to(Devices.fileSink(out));
        rules.rules().forEach((event, ladder) -> flow.on(event, ladder.steps().toArray(Ladder.Step[]::new)));
        final FlowResult result = run(flow);
        if (code == null) {
            assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
            final byte[] wire = Files.readAllBytes(out);
            if (!action.equals("ignore transient")) {
                // Every record from the chunk of the change on fits the new MTU: read back with a plain DataInputStream.
                final java.io.DataInputStream records = new java.io.DataInputStream(new ByteArrayInputStream(wire));
                for (int record = 0; records.available() > 0; record++) {
                    final int length = records.readInt();
                    records.skipNBytes(12L + length);
                    assertTrue(record < FAULT_AT || 16 + length <= mtu, "record " + record + ": " + (16 + length));
                }
            }
            final Path back = dir.resolve("back");
            final FlowResult deframed = run(Flows.from(Devices.file(out)).via(Devices.deframe(program))
                .to(Devices.fileSink(back)));
            assertTrue(deframed.succeeded(), () -> String.valueOf(deframed.error()));
            assertEquals(sha256(PLAIN), sha256(Files.readAllBytes(back)));
        } else {
            assertTerminated(result, out, "stage 2 (frame)", code);
            assertTrue(result.error().getMessage().contains("the path MTU dropped to " + mtu + " bytes at chunk "
                + FAULT_AT), result.error().getMessage());
        }
        assertTrue(result.receipt().steps().stream().anyMatch(s -> s.stage().equals("2:frame")
            && s.action().startsWith(action) && s.sequence() == FAULT_AT && s.code().equals("MTU_CHANGED")),
            () -> "receipt: " + result.receipt());
    }

    @Test
    void aLadderThatCannotRunIsRefusedBeforeTheFlowStarts() throws Exception {
        final Path in = Files.write(dir.resolve("in"), PLAIN);
        final FlowResult result = run(Flows.from(Devices.file(in))
            .via(Devices.aesGcmEncrypt("k").withLadder(Ladder.of(new Ladder.RedirectKind("sha256"))))
            .via(Devices.sha256().withLadder(Ladder.of(new Ladder.RedirectKind("gzip"))))
            .to(Devices.fileSink(dir.resolve("out")).withLadder(Ladder.of(new Ladder.Retry(1, 0)))));
        assertFalse(result.succeeded());
        final FlowException error = (FlowException) result.error();
        assertEquals("INVALID_FLOW", error.code());
        assertTrue(error.getMessage().contains("stage 2 (aes-gcm-encrypt): 'redirect kind sha256' cannot do the job"),
            error.getMessage());
        assertTrue(error.getMessage().contains("stage 3 (sha256): 'redirect kind gzip' cannot do the job"),
            error.getMessage());
        assertTrue(error.getMessage().contains("stage 4 (file-sink): 'retry 1' cannot run for a sink"),
            error.getMessage());
    }

    private static void assertTerminated(FlowResult result, Path out, String stage, String code) {
        assertFalse(result.succeeded(), "the flow must fail");
        final String message = result.error().getMessage();
        assertTrue(message.contains(stage), () -> "names the stage " + stage + ": " + message);
        if (!code.isEmpty()) {
            final String actual = result.error() instanceof FlowException f ? f.code()
                : result.error() instanceof io.flowswitch.devices.DeviceException d ? d.code() : "";
            assertTrue(actual.equals(code) || message.contains(code), () -> "names the cause " + code + ": " + actual
                + " " + message);
        }
        assertFalse(Files.exists(out), "no partial output posing as complete");
    }

    private FlowResult run(Flows.Builder builder) throws Exception {
        final FlowSpec spec = builder.key("k", KEY).chunkBytes(CHUNK).build();
        return node.run(spec).completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
