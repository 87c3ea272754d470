package io.flowswitch.flow.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks a flow passes before anything is opened, and the compiler's choice of lanes. */
class FlowCompilerTest {
    private final FlowCompiler compiler = new FlowCompiler(DeviceCatalog.builtIn(), null);

    @TempDir
    Path dir;

    @Test
    void everyProblemIsReportedAtOnceNamingTheStage() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[10]);
        final FlowSpec spec = Flows.from(Devices.file(in))
            .via(StageSpec.of("aes-gcm-encryp", "key", "k"))
            .via(Devices.gzip(12))
            .to(Devices.file(in))
            .build();
        final List<String> problems = compiler.check(spec);
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("stage 2 (aes-gcm-encryp): unknown device kind; known transforms: "
            + "aes-gcm-encrypt, aes-gcm-decrypt"), problems.get(0));
        assertTrue(problems.get(1).startsWith("stage 3 (gzip): parameter 'level'"), problems.get(1));
        assertTrue(problems.get(2).startsWith("stage 4 (file-source): is a source but position 4 needs a sink"),
            problems.get(2));
    }

    @Test
    void boundsAreCheckedBeforeStages() {
        final FlowSpec spec = new FlowSpec("f", List.of(Devices.file(dir.resolve("x")), Devices.fileSink(dir.resolve("y"))),
            100, Transport.FUSED, 0, java.util.Map.of());
        final List<String> problems = compiler.check(spec);
        assertEquals(List.of("chunk size must be between 1024 and 1048576 bytes, got 100",
            "port capacity must be between 1 and 1024 chunks, got 0"), problems);
    }

    @Test
    void aStatefulStageCannotBeReplicated() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[10]);
        final FlowSpec spec = Flows.from(Devices.file(in)).via(Devices.gzip(6), 2).to(Devices.fileSink(dir.resolve("o")))
            .build();
        assertEquals(List.of("stage 2 (gzip): cannot be replicated (it is stateful and stays pinned)"),
            compiler.check(spec));
        final FlowException e = assertThrows(FlowException.class, () -> compiler.compile(spec, 1));
        assertEquals("INVALID_FLOW", e.code());
    }

    @Test
    void aeronNeedsADriver() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[10]);
        final FlowSpec spec = Flows.from(Devices.file(in)).to(Devices.fileSink(dir.resolve("o")))
            .transport(Transport.AERON_IPC).build();
        assertEquals(List.of("transport AERON_IPC needs a media driver, and this compiler has none"),
            compiler.check(spec));
    }

    @Test
    void aPositionalChainOfLaneSafeStagesRunsAsLanes() throws Exception {
        final Path in = Files.write(dir.resolve("in.bin"), new byte[10]);
        final Path out = dir.resolve("o");
        assertEquals(3, compiler.lanes(Flows.from(Devices.file(in)).via(Devices.aesGcmEncrypt("k"), 3)
            .to(Devices.fileSink(out)).build()));
        assertEquals(2, compiler.lanes(Flows.from(Devices.file(in)).via(Devices.rateLimit(1 << 30, 0), 2)
            .via(Devices.aesGcmEncrypt("k")).to(Devices.fileSink(out)).build()));
        assertEquals(1, compiler.lanes(Flows.from(Devices.file(in)).via(Devices.aesGcmEncrypt("k"))
            .to(Devices.fileSink(out)).build()), "nothing asks for replicas");
        assertEquals(1, compiler.lanes(Flows.from(Devices.file(in)).via(Devices.aesGcmEncrypt("k"), 2)
            .via(Devices.sha256()).to(Devices.fileSink(out)).build()), "a digest must see every chunk in order");
        assertEquals(1, compiler.lanes(Flows.from(Devices.file(in)).via(Devices.aesGcmEncrypt("k"), 2)
            .to(Devices.tcpSink("127.0.0.1", 9)).build()), "a socket is not positional");
    }

    @Test
    void missingInputIsFoundWithoutOpeningAnything() {
        final FlowSpec spec = Flows.from(Devices.file(dir.resolve("missing.bin"))).to(Devices.fileSink(dir.resolve("o")))
            .build();
        final List<String> problems = compiler.check(spec);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("missing.bin") && problems.get(0).contains("no such file"), problems.get(0));
    }
}
