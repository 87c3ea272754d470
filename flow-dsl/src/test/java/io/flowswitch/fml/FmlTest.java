package io.flowswitch.fml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.fml.diag.Code;
import io.flowswitch.fml.diag.Diagnostic;
import io.flowswitch.fml.lex.SourceText;
import io.flowswitch.fml.plan.FmlPlan;
import io.flowswitch.fml.plan.LadderStep;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowPolicy;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.flow.compile.FlowCompiler;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade: a program and the same flow built in Java give equal specs; inputs that are not programs. */
class FmlTest {
    private static final byte[] KEY = new byte[32];
    private static final SecretKey K1 = new SecretKeySpec(KEY, "AES");

    @TempDir
    Path dir;

    private static FmlPlan plan(String text) {
        final Fml.Result result = Fml.check("t.fml", text, GoldenFiles.options());
        assertTrue(result.ok(), result::render);
        return result.plan().orElseThrow();
    }

    @Test
    void programAndJavaBuilderGiveEqualFlowSpecs() {
        final FmlPlan plan = plan("""
            flow encrypt-file principal "web" {
              key k1
              source file-source(path = "in.bin")
              via aes-gcm-encrypt(key = k1) replicas 2
              sink file-sink(path = "out.enc")
            }
            """);
        final FlowSpec java = Flows.from(Devices.file(Path.of("in.bin")))
            .via(Devices.aesGcmEncrypt("k1"), 2)
            .to(Devices.fileSink(Path.of("out.enc")))
            .name("encrypt-file")
            .principal("web")
            .key("k1", KEY)
            .build();
        assertEquals(java, plan.spec(Map.of("k1", K1)));
    }

    @Test
    void teeAndHeaderProgramsLowerLikeTheBuilder() {
        final FmlPlan plan = plan("""
            flow framed {
              source file-source(path = "in.bin")
              tee file-sink(path = "copy.bin", sync = true)
              tee sha256-sink
              header {
                length: u32 = payload.length
                seq = sequence
                crc: u32 = crc32c(payload)
                mix: u16 = ((length << 2) + 0x10 | seq * 3) & 0xffff
              }
              sink tcp-sink(host = "127.0.0.1", port = 9000)
            }
            """);
        final FlowSpec java = Flows.from(Devices.file(Path.of("in.bin")))
            .via(Devices.tee(StageSpec.of("file-sink", "path", "copy.bin", "sync", "true")))
            .via(Devices.tee(Devices.sha256Sink()))
            .via(Devices.frame("length:u32=length;seq:u64=sequence;crc:u32=crc32c;"
                + "mix:u16=$length 2 << 16 + $seq 3 * | 65535 &"))
            .to(Devices.tcpSink("127.0.0.1", 9000))
            .name("framed")
            .build();
        assertEquals(java, plan.spec(Map.of()));
        // The lowered program is one the device compiles: the front end and the device agree (the only
        // problem left is the input file, which this test does not make).
        assertEquals(List.of("stage 1 (file-source): cannot read in.bin: no such file"),
            new FlowCompiler(DeviceCatalog.builtIn(), null).check(plan.spec()));
        final FmlPlan receive = plan("""
            flow receive {
              source tcp-source(listen-port = 9000)
              header check { length: u32 = payload.length  seq = sequence }
              sink file-sink(path = "out.bin")
            }
            """);
        assertEquals(Devices.deframe("length:u32=length;seq:u64=sequence"), receive.spec().stages().get(1));
    }

    @Test
    void splitJoinAndPassRangesLowerLikeTheBuilder() {
        final FmlPlan plan = plan("""
            flow parts {
              key k1
              source file-source(path = "in.bin")
              header { length: u32 = payload.length  seq: u64 = sequence }
              split
              via aes-gcm-encrypt(key = k1) replicas 2
              join
              via sha256 pass 0..12
              via rate-limit(rate-bytes-per-second = 1GiB/s, latency-us = 0us) replicas 2 pass 0..12
              sink tcp-sink(host = "127.0.0.1", port = 9000)
            }
            """);
        final FlowSpec java = Flows.from(Devices.file(Path.of("in.bin")))
            .via(Devices.frame("length:u32=length;seq:u64=sequence"))
            .via(Devices.split(12, "1"))
            .via(Devices.aesGcmEncrypt("k1"), 2)
            .via(Devices.join(12, "1"))
            .via(Devices.pass(Devices.sha256(), 0, 12))
            .via(Devices.pass(Devices.rateLimit(1L << 30, 0).withReplicas(2), 0, 12))
            .to(Devices.tcpSink("127.0.0.1", 9000))
            .name("parts")
            .key("k1", KEY)
            .build();
        assertEquals(java, plan.spec(Map.of("k1", K1)));
    }

    @Test
    void everySettingLowersLikeTheBuilder() {
        final FmlPlan plan = plan("""
            flow pipeline {
              chunk 32KiB
              transport aeron
              key session
              source tcp-source(listen-port = 7000)
              via gzip(level = 1)
              via aes-gcm-encrypt(key = session)
              via rate-limit(rate-bytes-per-second = 200MiB/s, latency-us = 50us) replicas 3
              sink tcp-sink(host = "127.0.0.1", port = 9000)
            }
            """);
        final FlowSpec java = Flows.from(Devices.tcpListen(7000))
            .via(Devices.gzip(1))
            .via(Devices.aesGcmEncrypt("session"))
            .via(Devices.rateLimit(200L << 20, 50), 3)
            .to(Devices.tcpSink("127.0.0.1", 9000))
            .name("pipeline")
            .chunkBytes(32 * 1024)
            .transport(Transport.AERON_IPC)
            .key("session", KEY)
            .build();
        assertEquals(java, plan.spec(Map.of("session", K1, "unrelated", K1)));
        assertEquals(1, plan.lanes(), "a TCP source is not positional: balance and merge");
    }

    @Test
    void loweredSpecPassesTheCompilersOwnCheck() throws IOException {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[100]);
        final FmlPlan plan = plan("flow f {\n key k1\n source file-source(path = \"" + in + "\")\n"
            + " via aes-gcm-encrypt(key = k1) replicas 2\n sink file-sink(path = \"" + dir.resolve("out") + "\")\n}\n");
        final FlowCompiler compiler = new FlowCompiler(DeviceCatalog.builtIn(), null);
        assertEquals(List.of(), compiler.check(plan.spec(Map.of("k1", K1))));
        assertEquals(2, compiler.lanes(plan.spec()));
        assertEquals(2, plan.lanes());
    }

    @Test
    void aPlanCarriesPolicyLaddersAndEvents() {
        final FmlPlan plan = plan("""
            flow f principal "web" {
              source file-source(path = "in.bin")
              via sha256 as digest
              sink file-sink(path = "out.bin")
              policy { rate 500MiB/s priority 2 small-request-threshold 16KiB timeout 30s }
              on stage digest { retry 3 backoff 10ms notify fallback software }
              on sink-full { notify terminate }
            }
            """);
        assertEquals("web", plan.principal());
        assertEquals("web", plan.spec().principal(), "admission sees the program's principal");
        assertEquals(500L << 20, plan.policy().rateBytesPerSecond().getAsLong());
        assertEquals(2, plan.policy().priority().getAsInt());
        assertEquals(16 * 1024, plan.policy().smallRequestThresholdBytes().getAsLong());
        assertEquals(Optional.of(Duration.ofSeconds(30)), plan.policy().timeout());
        // What the scheduler sees: the rate, and priority 2 as weight 3 (priority 0 weighs 1).
        assertEquals(new FlowPolicy(500L << 20, 3), plan.spec().policy());
        assertEquals(plan.spec().policy(), plan.spec(Map.of()).policy());
        assertEquals(List.of(new LadderStep.Retry(3, Optional.of(Duration.ofMillis(10))), new LadderStep.Notify(),
            new LadderStep.FallbackSoftware()), plan.ladders().get("digest"));
        assertEquals(List.of(new LadderStep.Notify(), new LadderStep.Terminate()), plan.events().get("sink-full"));
        // What the runtime acts on: the same rules on the spec, kept when the keys are added.
        final io.flowswitch.flow.ladder.EventRules events = io.flowswitch.flow.ladder.EventRules.NONE.on(
            io.flowswitch.flow.ladder.ExternalEvent.SINK_FULL, new io.flowswitch.flow.ladder.Ladder.Notify());
        assertEquals(events, plan.spec().events());
        assertEquals(events, plan.spec(Map.of()).events());
        assertTrue(plan.stages().get(1).stateful());
    }

    @Test
    void aMissingKeyIsRefusedWhenTheSpecIsMade() {
        final FmlPlan plan = plan("flow f {\n key k1, k2\n source file-source(path = \"a\")\n"
            + " via aes-gcm-encrypt(key = k1)\n via aes-gcm-decrypt(key = k2)\n sink file-sink(path = \"b\")\n}\n");
        final FlowException e = assertThrows(FlowException.class, () -> plan.spec(Map.of("k1", K1)));
        assertEquals("NO_SUCH_KEY", e.code());
        assertEquals("flow 'f' needs key k2, which the application did not pass", e.getMessage());
        assertEquals(Map.of(), plan.spec().keys(), "a plan holds no key material");
    }

    @Test
    void aTenMegabyteFileIsRejectedWithoutBeingReadWhole() throws IOException {
        final Path big = dir.resolve("big.fml");
        try (OutputStream out = Files.newOutputStream(big)) {
            final byte[] line = "# padding padding padding padding padding padding padding padding padding\n"
                .getBytes(StandardCharsets.UTF_8);
            for (long written = 0; written < 10L << 20; written += line.length) {
                out.write(line);
            }
        }
        final Fml.Result result = Fml.check(big, GoldenFiles.options());
        assertFalse(result.ok());
        final List<Diagnostic> list = result.diagnostics().list();
        assertEquals(1, list.size());
        assertEquals(Code.FML001, list.get(0).code());
        assertEquals(big + ":1:1: error FML001: input is " + Files.size(big)
            + " bytes; programs may be at most 1048576 bytes (1 MiB)", list.get(0).headline());
        assertEquals("", result.source());
    }

    @Test
    void overSizeTextIsRejectedToo() {
        final Fml.Result result = Fml.check("big.fml", "#".repeat(SourceText.MAX_BYTES + 1), GoldenFiles.options());
        assertEquals(Code.FML001, result.diagnostics().list().get(0).code());
        assertTrue(result.render().startsWith("big.fml:1:1: error FML001: input is 1048577 characters"),
            result.render());
    }

    @Test
    void aProgramFileIsNamedAsGivenInDiagnostics() throws IOException {
        final Path file = Files.writeString(dir.resolve("bad.fml"), "flow f {\n  via aes-card\n}\n");
        final Fml.Result result = Fml.check(file, GoldenFiles.options());
        assertTrue(result.render().contains(file + ":2:7: error FML030: unknown device kind 'aes-card'\n"),
            result.render());
    }

    @Test
    void jsonCarriesEveryFieldOfEveryDiagnostic() {
        final Fml.Result result = Fml.check("j.fml", "flow f {\n  key k1\n  source file-source(path = \"a\\\"b\")\n}\n",
            GoldenFiles.options());
        assertEquals("{\"diagnostics\":["
            + "{\"code\":\"FML041\",\"severity\":\"error\",\"file\":\"j.fml\",\"line\":1,\"column\":6,\"length\":1,"
            + "\"message\":\"flow 'f' has no sink\",\"help\":\"end the chain with 'sink KIND(...)'; sinks: file-sink, tcp-sink, sha256-sink, tls-sink, aes-gcm-tcp-sink, pipe-sink\"},"
            + "{\"code\":\"FML036\",\"severity\":\"warning\",\"file\":\"j.fml\",\"line\":2,\"column\":7,\"length\":2,"
            + "\"message\":\"key 'k1' is declared but no stage uses it\",\"help\":\"remove it, or pass it to a stage as key = k1\"}"
            + "],\"errors\":1,\"warnings\":1}", result.renderJson());
    }

    @Test
    void caretsFollowTabsAndLongLinesAreCut() {
        final Fml.Result tabs = Fml.check("t.fml", "flow f {\n\tsource\tnope\n}\n", GoldenFiles.options());
        assertTrue(tabs.render().contains("    2 | \tsource\tnope\n      | \t      \t^^^^\n"), tabs.render());
        final String longLine = "flow f { source file-source(path = \"" + "x".repeat(300) + "\") via nope }\n";
        final String rendered = Fml.check("l.fml", longLine, GoldenFiles.options()).render();
        assertTrue(rendered.contains("    1 | ..."), rendered);
        assertTrue(rendered.contains("^^^^\n  help:"), rendered);
    }

    @Test
    void aCleanProgramHasNoDiagnostics() {
        final Fml.Result result = Fml.check("c.fml", "flow c { source file-source(path = \"a\") sink file-sink(path = \"b\") }",
            GoldenFiles.options());
        assertTrue(result.ok());
        assertTrue(result.diagnostics().isEmpty());
        assertEquals("no problems\n", result.render());
    }
}
