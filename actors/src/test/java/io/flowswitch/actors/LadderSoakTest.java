package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.crypto.AesGcmReference;
import io.flowswitch.devices.fault.Fault;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.flow.ladder.Decision;
import io.flowswitch.flow.ladder.Ladder;
import io.flowswitch.flow.ladder.Notification;
import io.flowswitch.flow.ladder.Receipt;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults mixed across concurrent flows (seeded, bounded in time), and the application's side of the
 * ladder: a notification answered, and one left unanswered until its default.
 */
class LadderSoakTest {
    private static final int CHUNK = 4096;
    private static final long SEED = 20031;
    private static final int FLOWS = 24;
    private static final int CONCURRENT = 6;
    private static final byte[] KEY = new byte[32];
    private static final byte[] SALT = new byte[12];
    private static FlowSwitch node;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        final Random random = new Random(SEED);
        random.nextBytes(KEY);
        random.nextBytes(SALT);
        node = FlowSwitch.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @AfterEach
    void allStagesStopped() {
        StreamTestKit.assertAllStagesStopped(Materializer.matFromSystem(node.system()));
    }

    @Test
    void concurrentFlowsWithMixedFaultsAllComeOutIdentical() throws Exception {
        final Random random = new Random(SEED);
        final String[] faults = {"transient@%dx2", "permanent@%d", "crash@%d", "stall@%d", "slow@%d:1ms", "corrupt@%d",
            "actor-crash@%d"};
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int done = 0;
        while (done < FLOWS) {
            final List<CompletableFuture<FlowResult>> running = new ArrayList<>();
            final List<byte[]> expected = new ArrayList<>();
            final List<Path> outputs = new ArrayList<>();
            final List<String> described = new ArrayList<>();
            for (int f = 0; f < CONCURRENT && done + f < FLOWS; f++) {
                final byte[] plain = new byte[CHUNK * (2 + random.nextInt(12)) + random.nextInt(CHUNK)];
                random.nextBytes(plain);
                final int chunks = plain.length / CHUNK + 1;
                final int kind = random.nextInt(3);
                String fault = String.format(faults[random.nextInt(faults.length)], random.nextInt(chunks));
                final StageSpec stage;
                final byte[] reference;
                if (kind == 0) {
                    stage = StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex", HexFormat.of().formatHex(SALT));
                    reference = encrypted(plain);
                    // Corrupted ciphertext is caught by a decryptor, which this flow has not: a crash instead.
                    fault = fault.replace("corrupt", "crash");
                } else {
                    stage = kind == 1 ? Devices.sha256() : Devices.rateLimit(1L << 30, 0);
                    reference = plain;
                }
                final int replicas = kind == 1 ? 1 : 1 + random.nextInt(2);
                final Path in = Files.write(dir.resolve("in" + done + "-" + f), plain);
                final Path out = dir.resolve("out" + done + "-" + f);
                final Transport transport = random.nextBoolean() ? Transport.FUSED : Transport.AERON_IPC;
                final Ladder ladder = Ladder.recommended().withStallTimeout(Duration.ofMillis(50));
                described.add(stage.kind() + " x" + replicas + " " + fault + " " + transport);
                running.add(node.run(Flows.from(Devices.file(in))
                        .via(stage.withFault(Fault.parse(fault, "soak")).withLadder(ladder).withReplicas(replicas))
                        .to(Devices.fileSink(out)).key("k", KEY).chunkBytes(CHUNK).transport(transport).build())
                    .completion().toCompletableFuture());
                expected.add(reference);
                outputs.add(out);
            }
            for (int i = 0; i < running.size(); i++) {
                final long leftNs = Math.max(1, deadline - System.nanoTime());
                final FlowResult result = running.get(i).get(leftNs, TimeUnit.NANOSECONDS);
                final String what = described.get(i);
                assertTrue(result.succeeded(), () -> what + ": " + result.error());
                assertEquals(sha256(expected.get(i)), sha256(Files.readAllBytes(outputs.get(i))), what);
                for (Receipt.Audit audit : result.receipt().audits()) {
                    assertEquals(0, audit.gaps(), what + ": " + audit);
                }
                if (!what.contains("slow")) {
                    assertFalse(result.receipt().steps().isEmpty(), what + ": the fault fired and a step was taken");
                }
            }
            done += running.size();
        }
    }

    @Test
    void aReplicaRecoversBehindABalanceAndTheMergeKeepsOrder() throws Exception {
        final byte[] plain = randomBytes(CHUNK * 20 + 99, 3);
        final Path in = Files.write(dir.resolve("in"), plain);
        final Path out = dir.resolve("out");
        final byte[] encrypted = encrypted(plain);
        for (Transport transport : Transport.values()) {
            // sha256 is not lane-safe, so the two cipher replicas are balanced and merged back in order.
            final FlowResult result = run(Flows.from(Devices.file(in))
                .via(StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex", HexFormat.of().formatHex(SALT))
                    .withFault(Fault.parse("crash@3", "t")).withLadder(Ladder.of(new Ladder.RedirectInstance()))
                    .withReplicas(2))
                .via(Devices.sha256())
                .to(Devices.fileSink(out)).key("k", KEY).chunkBytes(CHUNK).transport(transport).build());
            assertTrue(result.succeeded(), () -> transport + ": " + result.error());
            assertEquals(sha256(encrypted), sha256(Files.readAllBytes(out)), transport.name());
            assertEquals(sha256(encrypted), result.result("sha256"), transport.name());
            // The balance hands chunks to whichever replica asks first: the fault strikes the replica that first
            // meets chunk 3 or later, which may be either. The receipt names it twice, independently: the
            // step's stage instance (the ladder stage's own name) and the fault's message (the compiler's index).
            final List<Receipt.StepTaken> crashes = result.receipt().steps().stream()
                .filter(s -> s.code().equals("CRASHED")).toList();
            assertEquals(1, crashes.size(), () -> transport + ": one replica struck, once: " + result.receipt().steps());
            final Receipt.StepTaken step = crashes.get(0);
            final Matcher struck = Pattern
                .compile("stage 2 \\(aes-gcm-encrypt\\): the device crashed at chunk (\\d+) \\(injected fault, replica ([01])\\)")
                .matcher(step.cause());
            assertTrue(struck.matches(), step::toString);
            final String replica = "2:aes-gcm-encrypt#" + struck.group(2);
            assertEquals(replica, step.stage(), () -> "the step names the struck replica: " + step);
            assertTrue(step.action().startsWith("redirect to instance 1 (aes-gcm-encrypt#"), step::toString);
            assertTrue(Long.parseLong(struck.group(1)) >= 3 && step.sequence() >= 3, step::toString);
            assertTrue(result.receipt().segments().stream().anyMatch(s -> s.stage().equals(replica)
                && s.path().equals("instance 1")), () -> "the struck replica finished on the spare: "
                + result.receipt().segments());
            assertTrue(result.receipt().segments().stream().noneMatch(s -> !s.stage().equals(replica)
                && s.path().equals("instance 1")), () -> "the other replica stayed on its instance: "
                + result.receipt().segments());
        }
    }

    @Test
    void aRetriedReplicaBehindABalanceIsStillCrashedAndTheOtherReplicaNeverMeetsTheFault() throws Exception {
        final byte[] plain = randomBytes(CHUNK * 20 + 99, 6);
        final Path in = Files.write(dir.resolve("in"), plain);
        final Path out = dir.resolve("out");
        final FlowResult result = run(Flows.from(Devices.file(in))
            .via(StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex", HexFormat.of().formatHex(SALT))
                .withFault(Fault.parse("crash@3", "t"))
                .withLadder(Ladder.of(new Ladder.Retry(1, 1_000_000L), new Ladder.RedirectInstance()))
                .withReplicas(2))
            .via(Devices.sha256())
            .to(Devices.fileSink(out)).key("k", KEY).chunkBytes(CHUNK).transport(Transport.FUSED).build());
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertEquals(sha256(encrypted(plain)), sha256(Files.readAllBytes(out)));
        final List<Receipt.StepTaken> steps = result.receipt().steps();
        assertEquals(2, steps.size(), steps::toString);
        final String struck = steps.get(0).stage();
        assertTrue(struck.matches("2:aes-gcm-encrypt#[01]"), steps::toString);
        assertEquals("retry 1/1 on instance 0", steps.get(0).action(), steps::toString);
        // The restart on the replica's own instance finds it crashed (the fault's state is shared): only the
        // redirect gets past it. Had the restart been wrapped as another instance, the retry would have done.
        assertTrue(steps.get(1).action().startsWith("redirect to instance 1 (aes-gcm-encrypt#"), steps::toString);
        assertEquals("CRASHED", steps.get(1).code(), steps::toString);
        assertTrue(steps.get(1).cause().contains("the device crashed at chunk 3 and cannot serve chunk"),
            steps::toString);
        assertEquals(struck, steps.get(1).stage(), "both steps on the struck replica: " + steps);
    }

    @Test
    void anActorCrashBehindABalanceCrashesTheStruckReplicasActorAndOnlyThatReplicaRedirects() throws Exception {
        final byte[] plain = randomBytes(CHUNK * 20 + 99, 5);
        final Path in = Files.write(dir.resolve("in"), plain);
        final Path out = dir.resolve("out");
        final byte[] encrypted = encrypted(plain);
        // The stall timeout is out of reach: the struck replica holds its chunk until the supervisor sees the
        // device actor die. Were another replica's actor crashed, the struck one would hold the chunk for a
        // minute and the merge behind it would wait: the flow would not end in time.
        final Ladder ladder = Ladder.of(new Ladder.RedirectInstance()).withStallTimeout(Duration.ofSeconds(60));
        final FlowResult result = run(Flows.from(Devices.file(in))
            .via(StageSpec.of("aes-gcm-encrypt", "key", "k", "salt-hex", HexFormat.of().formatHex(SALT))
                .withFault(Fault.parse("actor-crash@3", "t")).withLadder(ladder).withReplicas(2))
            .via(Devices.sha256())
            .to(Devices.fileSink(out)).key("k", KEY).chunkBytes(CHUNK).transport(Transport.FUSED).build());
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertEquals(sha256(encrypted), sha256(Files.readAllBytes(out)));
        final List<Receipt.StepTaken> steps = result.receipt().steps();
        assertEquals(1, steps.size(), steps::toString);
        final Receipt.StepTaken step = steps.get(0);
        assertEquals("ACTOR_CRASHED", step.code(), step::toString);
        assertTrue(step.stage().matches("2:aes-gcm-encrypt#[01]"), step::toString);
        assertTrue(step.action().startsWith("redirect to instance 1 (aes-gcm-encrypt#"), step::toString);
        assertTrue(result.receipt().segments().stream().noneMatch(s -> !s.stage().equals(step.stage())
            && s.path().equals("instance 1")), () -> "the other replica stayed on its instance: "
            + result.receipt().segments());
    }

    @Test
    void theApplicationDecidesWhenNotified() throws Exception {
        final byte[] plain = randomBytes(CHUNK * 6 + 7, 1);
        final Path in = Files.write(dir.resolve("in"), plain);
        final Path out = dir.resolve("out");
        final List<Notification> heard = new CopyOnWriteArrayList<>();
        final Ladder ladder = Ladder.of(new Ladder.Notify(n -> {
            heard.add(n);
            return CompletableFuture.completedFuture(Decision.FALLBACK_SOFTWARE);
        }, 1_000_000_000L, Decision.TERMINATE));
        final FlowHandle handle = node.run(Flows.from(Devices.file(in))
            .via(Devices.sha256().withFault(Fault.parse("permanent@2", "t")).withLadder(ladder))
            .to(Devices.fileSink(out)).chunkBytes(CHUNK).build());
        final FlowResult result = handle.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertEquals(sha256(plain), sha256(Files.readAllBytes(out)));
        assertEquals(sha256(plain), result.result("sha256"));
        assertEquals(1, heard.size());
        final Notification n = heard.get(0);
        assertEquals("stage 2 (sha256)", n.stage());
        assertEquals("DEVICE_FAILED", n.code());
        assertEquals("instance 0", n.path());
        assertTrue(n.options().contains(Decision.FALLBACK_SOFTWARE), n.options()::toString);
        final List<String> actions = result.receipt().steps().stream().map(Receipt.StepTaken::action).toList();
        assertEquals(List.of("notify the application", "decision fallback_software (the application)"), actions);
        assertTrue(result.receipt().segments().stream().anyMatch(s -> s.stage().equals("2:sha256")
            && s.path().equals("software")), result.receipt().segments()::toString);
    }

    @Test
    void anFmlProgramsNotifyIsAnsweredByTheApplication() throws Exception {
        final byte[] plain = randomBytes(CHUNK * 8 + 5, 4);
        final Path in = Files.write(dir.resolve("in"), plain);
        final Path out = dir.resolve("out");
        final io.flowswitch.fml.Fml.Result checked = io.flowswitch.fml.Fml.check("notify.fml", "flow notify {\n"
            + "  chunk 4KiB\n"
            + "  source file-source(path = \"" + in + "\")\n"
            + "  via rate-limit(rate-bytes-per-second = 1GiB/s, fault = \"permanent@4\") as accel\n"
            + "  sink file-sink(path = \"" + out + "\")\n"
            + "  on stage accel { notify  terminate }\n"
            + "}\n");
        assertTrue(checked.ok(), checked::render);
        final List<Notification> heard = new CopyOnWriteArrayList<>();
        final FlowSpec spec = Ladder.notifying(checked.plan().orElseThrow().spec(java.util.Map.of()),
            n -> {
                heard.add(n);
                return CompletableFuture.completedFuture(Decision.FALLBACK_SOFTWARE);
            });
        final FlowResult result = run(spec);
        assertTrue(result.succeeded(), () -> String.valueOf(result.error()));
        assertEquals(sha256(plain), sha256(Files.readAllBytes(out)));
        assertEquals(1, heard.size());
        assertEquals("stage 2 (rate-limit)", heard.get(0).stage());
    }

    @Test
    void anUnansweredNotificationTakesItsDefaultAfterTheTimeout() throws Exception {
        final byte[] plain = randomBytes(CHUNK * 6 + 7, 2);
        final Path in = Files.write(dir.resolve("in"), plain);
        final Path out = dir.resolve("out");
        final Ladder ladder = Ladder.of(new Ladder.Notify(n -> new CompletableFuture<>(), 100_000_000L,
            Decision.TERMINATE));
        final FlowResult result = run(Flows.from(Devices.file(in))
            .via(Devices.rateLimit(1L << 30, 0).withFault(Fault.parse("crash@1", "t")).withLadder(ladder))
            .to(Devices.fileSink(out)).chunkBytes(CHUNK).build());
        assertFalse(result.succeeded());
        final FlowException error = (FlowException) result.error();
        assertEquals("CRASHED", error.code());
        assertTrue(error.getMessage().startsWith("stage 2 (rate-limit): the device crashed at chunk 1"),
            error.getMessage());
        assertTrue(error.getMessage().contains("the exception ladder ended the flow"), error.getMessage());
        assertFalse(Files.exists(out));
        final List<String> actions = result.receipt().steps().stream().map(Receipt.StepTaken::action).toList();
        assertEquals(List.of("notify the application", "decision terminate (no answer within 100 ms)", "terminate"),
            actions);
    }

    @Test
    void aRedirectNeedsAnotherInstanceInTheNode() throws Exception {
        final Path in = Files.write(dir.resolve("in"), new byte[100]);
        final Ladder many = Ladder.of(List.of(new Ladder.RedirectInstance()));
        final FlowResult result = run(Flows.from(Devices.file(in))
            .via(Devices.gzip(1).withLadder(many)).to(Devices.fileSink(dir.resolve("out")))
            .build());
        assertTrue(result.succeeded(), "16 instances of gzip: a redirect can run");
        final FlowResult tooMany = run(Flows.from(Devices.file(in))
            .via(Devices.rateLimit(1L << 30, 0).withLadder(many).withReplicas(16))
            .to(Devices.fileSink(dir.resolve("out2"))).transport(Transport.FUSED).build());
        assertFalse(tooMany.succeeded());
        assertTrue(tooMany.error().getMessage().contains("stage 2 (rate-limit): its ladder ('redirect instance ->"
            + " terminate') may need 17 instances of rate-limit and this node has 16"), tooMany.error().getMessage());
    }

    /** Runs {@code spec} on the node to its result, waiting at most 20 s. */
    private static FlowResult run(FlowSpec spec) throws Exception {
        return node.run(spec).completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static byte[] randomBytes(int size, long seed) {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** {@code plain} as aes-gcm-encrypt with {@link #KEY} and {@link #SALT} writes it, from the reference. */
    private static byte[] encrypted(byte[] plain) throws Exception {
        final ByteArrayOutputStream enc = new ByteArrayOutputStream();
        AesGcmReference.encrypt(new ByteArrayInputStream(plain), enc, new SecretKeySpec(KEY, "AES"), SALT, CHUNK);
        return enc.toByteArray();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
