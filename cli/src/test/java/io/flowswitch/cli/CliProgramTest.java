package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code check}, {@code explain} and {@code run FILE.fml} on programs written into a temporary directory,
 * with one real node shared by the class for the runs.
 */
class CliProgramTest {
    private static final Pattern SHA256 = Pattern.compile("sha256=([0-9a-f]{64})");

    @RegisterExtension
    static final Cli.ClassNode shared = new Cli.ClassNode();

    @TempDir
    Path dir;

    private static Cli.Outcome cli(String... args) {
        return shared.run(args);
    }

    /** For command lines that must not need a node. */
    private static Cli.Outcome noNode(String... args) {
        return Cli.run(Cli.NO_NODE, args);
    }

    @Test
    void checkOfAValidProgramSaysOkAndExitsZero() throws IOException {
        final Path program = program("copy.fml", copyProgram(randomFile("in.bin", 1000), dir.resolve("out.bin")));
        final Cli.Outcome outcome = noNode("check", program.toString());
        outcome.assertDone();
        assertEquals(program + ": ok\n", outcome.out());
        assertEquals("", outcome.err());
    }

    @Test
    void checkWarningsDoNotFail() throws IOException {
        final Path program = program("warn.fml", "flow warn {\n  key spare\n  source file-source(path = \""
            + randomFile("in.bin", 10) + "\")\n  sink file-sink(path = \"" + dir.resolve("out.bin") + "\")\n}\n");
        final Cli.Outcome outcome = noNode("check", program.toString());
        outcome.assertDone();
        assertTrue(outcome.out().contains(program + ":2:7: warning FML036"), outcome::toString);
        assertTrue(outcome.out().endsWith(program + ": 0 errors, 1 warning\n"), outcome::toString);
    }

    @Test
    void checkReportsEveryErrorWithCaretAndHelpAndExitsOne() throws IOException {
        final Path good = program("good.fml", copyProgram(randomFile("in.bin", 10), dir.resolve("out.bin")));
        final Path bad = program("bad.fml", "flow bad {\n  chunk 4MiB\n  source file-source(path = \"in.bin\")\n"
            + "  via aes-gcm-encript(key = k1)\n  sink file-sink(path = \"out.bin\")\n}\n");
        final Cli.Outcome outcome = noNode("check", "--no-environment", good.toString(), bad.toString());
        assertEquals(ExitCodes.INVALID_PROGRAM, outcome.exitCode(), outcome::toString);
        final String out = outcome.out();
        assertTrue(out.contains(bad + ":2:9: error FML060"), out);
        assertTrue(out.contains(bad + ":4:7: error FML030: unknown device kind 'aes-gcm-encript'"), out);
        assertTrue(out.contains("    4 |   via aes-gcm-encript(key = k1)\n      |       ^^^^^^^^^^^^^^^"), out);
        assertTrue(out.contains("  help: "), out);
        assertTrue(out.contains(good + ": ok\n"), out);
        assertTrue(out.contains(bad + ": 3 errors, 0 warnings\n"), out);
        assertTrue(out.endsWith("2 programs, 1 with errors\n"), out);
        assertEquals("", outcome.err());
    }

    @Test
    void checkLooksAtThisMachineUnlessToldNotTo() throws IOException {
        final Path absent = dir.resolve("absent.bin");
        final Path program = program("copy.fml", copyProgram(absent, dir.resolve("out.bin")));
        final Cli.Outcome outcome = noNode("check", program.toString());
        assertEquals(ExitCodes.INVALID_PROGRAM, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.out().contains("error FML071") && outcome.out().contains(absent.toString()), outcome::toString);
        noNode("check", "--no-environment", program.toString()).assertDone();
    }

    @Test
    void checkOfAMissingOrUnreadableFileIsAUsageErrorBeforeAnyOutput() throws IOException {
        final Path good = program("good.fml", copyProgram(randomFile("in.bin", 10), dir.resolve("out.bin")));
        final Path absent = dir.resolve("absent.fml");
        final Cli.Outcome missing = noNode("check", good.toString(), absent.toString());
        assertTrue(missing.assertError(ExitCodes.USAGE).contains("program '" + absent + "' does not exist"), missing::toString);
        assertEquals("", missing.out());
        assertTrue(noNode("check", dir.toString()).assertError(ExitCodes.USAGE).contains("is a directory"));
        assertTrue(noNode("check").assertError(ExitCodes.USAGE).contains("FILE.fml"));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix") && !"root".equals(System.getProperty("user.name"))) {
            Files.setPosixFilePermissions(good, PosixFilePermissions.fromString("-w-------"));
            assertTrue(noNode("check", good.toString()).assertError(ExitCodes.USAGE).contains("permission denied"));
        }
    }

    @Test
    void checkAsJsonIsOneArrayWithAnObjectPerFile() throws IOException {
        final Path good = program("good.fml", copyProgram(randomFile("in.bin", 10), dir.resolve("out.bin")));
        final Path bad = program("bad.fml", "flow bad {\n  source file-source(path = \"in.bin\")\n"
            + "  via frobnicate\n  sink file-sink(path = \"out.bin\")\n}\n");
        final Cli.Outcome outcome = noNode("check", "--format", "json", "--no-environment", good.toString(), bad.toString());
        assertEquals(ExitCodes.INVALID_PROGRAM, outcome.exitCode(), outcome::toString);
        final String json = outcome.out().strip();
        assertTrue(json.startsWith("[") && json.endsWith("]"), json);
        final String[] objects = json.substring(1, json.length() - 1).strip().split("\\R\\s*");
        assertEquals(2, objects.length, json);
        assertTrue(objects[0].startsWith("{\"file\":" + Json.string(good.toString()) + ",\"ok\":true,\"diagnostics\":[]"),
            objects[0]);
        assertTrue(objects[0].endsWith("\"errors\":0,\"warnings\":0},"), objects[0]);
        assertTrue(objects[1].startsWith("{\"file\":" + Json.string(bad.toString()) + ",\"ok\":false,\"diagnostics\":[{"),
            objects[1]);
        assertTrue(objects[1].contains("\"code\":\"FML030\",\"severity\":\"error\",\"file\":" + Json.string(bad.toString())
            + ",\"line\":3,\"column\":7"), objects[1]);
        assertTrue(objects[1].endsWith("\"errors\":1,\"warnings\":0}"), objects[1]);
        assertEquals("", outcome.err());
    }

    @Test
    void explainShowsStagesReplicationLaddersPolicyAndPeakRate() throws IOException {
        final Path program = program("accel.fml", acceleratorProgram());
        final Cli.Outcome outcome = noNode("explain", program.toString());
        outcome.assertDone();
        final String out = outcome.out();
        assertTrue(out.startsWith("flow accel\n  principal    default\n"), out);
        assertTrue(out.matches("(?s).*1  source     file-source  file-source  pinned     path=in\\.bin\n.*"), out);
        assertTrue(out.contains("2  transform  fast         rate-limit   x4         rate-bytes-per-second=209715200"), out);
        assertTrue(out.contains("  replication  4 lanes"), out);
        assertTrue(out.contains("    fast: retry 2 backoff 5ms -> redirect instance -> fallback software -> terminate"), out);
        assertTrue(out.contains("  policy       rate 600MiB/s, priority 5"), out);
        assertTrue(out.contains("  peak rate    0.84 GB/s, set by 'fast' (rate-limit x4 at 0.21 GB/s each, declared)\n"),
            out);
        assertTrue(out.endsWith("    sources and sinks: not measured (the speed of their file or socket)\n"), out);
        assertEquals("", outcome.err());
    }

    @Test
    void explainMeasuresWhatItCanNamesWhatItCannotAndCanSkipMeasuring() throws IOException {
        final Path program = program("digest.fml", "flow digest {\n  source file-source(path = \"in.gz\")\n"
            + "  via gunzip\n  via sha256 as hash\n  sink file-sink(path = \"out.bin\")\n}\n");
        final Cli.Outcome measuring = noNode("explain", program.toString());
        measuring.assertDone();
        final String measured = measuring.out();
        final String peak = measured.lines().filter(line -> line.startsWith("  peak rate")).findFirst().orElse("");
        assertTrue(peak.matches("  peak rate    at most [0-9.]+ [kMG]B/s, set by 'hash' \\(sha256, measured here\\)"), measured);
        assertTrue(measured.contains("    gunzip (gunzip): not measured (no safe sample input for this kind)\n"), measured);
        final Cli.Outcome skipping = noNode("explain", "--no-measure", program.toString());
        skipping.assertDone();
        final String skipped = skipping.out();
        assertTrue(skipped.endsWith(ExplainCommand.PEAK_RATE_NOT_MEASURED), skipped);
    }

    @Test
    void aRequestBelowThePolicysSmallRequestThresholdRunsOnTheDirectPathWithTheSameBytes() throws IOException {
        final Path in = randomFile("small.bin", 3000);
        final Path out = dir.resolve("small.out");
        final Path program = program("small.fml", "flow small {\n  source file-source(path = " + quoted(in) + ")\n"
            + "  via sha256\n  sink file-sink(path = " + quoted(out) + ")\n"
            + "  policy { small-request-threshold 64KiB }\n}\n");
        final Cli.Outcome outcome = cli("run", "--no-progress", program.toString());
        outcome.assertDone();
        assertTrue(outcome.out().contains("direct software path (3000 B, below the policy's small-request threshold"
            + " of 65536 B)"), outcome::toString);
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
        assertEquals(sha256Hex(Files.readAllBytes(in)), sha256Of(outcome.out()));
    }

    @Test
    void aFlowThatMovesNoByteForThePolicysTimeoutIsCancelledAndSaysWhy() throws IOException {
        final int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        final Path program = program("stall.fml", "flow stall {\n  source tcp-source(listen-port = " + port
            + ", accept-timeout-ms = 60s)\n  sink file-sink(path = " + quoted(dir.resolve("never.bin")) + ")\n"
            + "  policy { timeout 300ms }\n}\n");
        final long startNs = System.nanoTime();
        final String error = cli("run", "--no-progress", program.toString()).assertError(ExitCodes.FLOW_FAILED);
        assertTrue(error.contains("no byte moved for 300 ms, the policy's timeout"), error);
        assertTrue(System.nanoTime() - startNs < java.util.concurrent.TimeUnit.SECONDS.toNanos(30),
            "cancelled long before the source's own 60 s accept timeout");
        assertFalse(Files.exists(dir.resolve("never.bin")), "no partial output");
    }

    @Test
    void explainAsDotDrawsEveryStageAndEdge() throws IOException {
        final Path program = program("accel.fml", acceleratorProgram());
        final Cli.Outcome outcome = noNode("explain", "--dot", program.toString());
        outcome.assertDone();
        final String dot = outcome.out();
        assertTrue(dot.startsWith("digraph \"accel\" {\n"), dot);
        assertTrue(dot.contains("s1 [label=\"file-source\\nfile-source (source, pinned)\\npath=in.bin\"];"), dot);
        assertTrue(dot.contains("s2 [label=\"fast\\nrate-limit (transform, x4)\\nrate-bytes-per-second=209715200"
            + "\\non failure: retry 2 backoff 5ms -> redirect instance -> fallback software -> terminate\","
            + " peripheries=2];"), dot);
        assertTrue(dot.contains("s3 [label=\"file-sink\\nfile-sink (sink, pinned)\\npath=out.bin\"];"), dot);
        assertTrue(dot.contains("  s1 -> s2;\n  s2 -> s3;\n}\n"), dot);
        assertTrue(dot.contains("policy rate 600MiB/s, priority 5"), dot);
    }

    @Test
    void explainDotKeepsWarningsOffStdout() throws IOException {
        final Path program = program("warn.fml", "flow warn {\n  key spare\n  source file-source(path = \"a\")\n"
            + "  sink file-sink(path = \"b\")\n}\n");
        final Cli.Outcome outcome = noNode("explain", "--dot", program.toString());
        outcome.assertDone();
        assertTrue(outcome.out().startsWith("digraph"), outcome::toString);
        assertTrue(outcome.err().contains("warning FML036"), outcome::toString);
    }

    @Test
    void explainOfARejectedProgramPrintsTheDiagnosticsAndExitsThree() throws IOException {
        final Path program = program("two-sources.fml", "flow two {\n  source file-source(path = \"a\")\n"
            + "  source file-source(path = \"c\")\n  sink file-sink(path = \"b\")\n}\n");
        final Cli.Outcome outcome = noNode("explain", program.toString());
        final String line = outcome.assertError(ExitCodes.REJECTED);
        assertTrue(line.contains("program '" + program + "' was rejected: 1 error"), line);
        assertTrue(outcome.out().contains(program + ":3:3: error FML043"), outcome::toString);
        assertTrue(outcome.out().contains("      |   ^^^"), outcome::toString);
    }

    @Test
    void explainSvgWithoutGraphvizSaysWhatToDo() throws IOException {
        final Path program = program("accel.fml", acceleratorProgram());
        final Path svg = dir.resolve("plan.svg");
        final String line = explainWithDot("no-such-graphviz-program", "explain", "--svg", svg.toString(),
            program.toString()).assertError(ExitCodes.USAGE);
        assertTrue(line.contains("--svg needs Graphviz's 'no-such-graphviz-program'") && line.contains("--dot"), line);
        assertFalse(Files.exists(svg));
    }

    @Test
    void explainSvgPipesTheGraphThroughDot() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh for a stand-in 'dot'");
        // A stand-in with dot's calling convention (-Tsvg -o FILE, graph on stdin): it keeps the graph.
        final Path fake = Files.writeString(dir.resolve("fake-dot"), "#!/bin/sh\ncat > \"$3\"\n");
        fake.toFile().setExecutable(true);
        final Path program = program("accel.fml", acceleratorProgram());
        final Path svg = dir.resolve("plan.svg");
        final Cli.Outcome outcome = explainWithDot(fake.toString(), "explain", "--svg", svg.toString(), program.toString());
        outcome.assertDone();
        assertTrue(outcome.out().startsWith("flow accel"), outcome::toString);
        assertEquals(PlanGraph.dot(Programs.check(program, false).plan().orElseThrow()), Files.readString(svg));

        final Path failing = Files.writeString(dir.resolve("failing-dot"), "#!/bin/sh\necho 'Error: no room' >&2\nexit 3\n");
        failing.toFile().setExecutable(true);
        final String line = explainWithDot(failing.toString(), "explain", "--svg", svg.toString(), program.toString())
            .assertError(ExitCodes.USAGE);
        assertTrue(line.contains("exit code 3") && line.contains("Error: no room"), line);
    }

    @Test
    void explainSvgWithRealGraphviz() throws IOException {
        assumeTrue(ExplainCommand.findProgram("dot").isPresent(), "Graphviz 'dot' is not installed");
        final Path svg = dir.resolve("plan.svg");
        cli("explain", "--svg", svg.toString(), program("accel.fml", acceleratorProgram()).toString()).assertDone();
        assertTrue(Files.readString(svg).contains("<svg"));
    }

    @Test
    void runProgramEncryptsAndAnotherDecryptsToTheSameDigest() throws IOException {
        final Path in = randomFile("in.bin", 2 * 1024 * 1024 + 11);
        final Path key = Files.writeString(dir.resolve("key.hex"), "00112233445566778899aabbccddeeff".repeat(2) + "\n");
        final Path cipher = dir.resolve("cipher.enc");
        final Path back = dir.resolve("back.bin");
        final Path encrypt = program("encrypt.fml", "flow enc {\n  key k1\n  source file-source(path = " + quoted(in) + ")\n"
            + "  via aes-gcm-encrypt(key = k1) replicas 2\n  sink file-sink(path = " + quoted(cipher) + ")\n}\n");
        final Path decrypt = program("decrypt.fml", "flow dec {\n  chunk 128KiB\n  key k9\n"
            + "  source file-source(path = " + quoted(cipher) + ")\n  via aes-gcm-decrypt(key = k9)\n  via sha256\n"
            + "  sink file-sink(path = " + quoted(back) + ")\n}\n");
        final Cli.Outcome encrypted = cli("run", encrypt.toString(), "--key", "k1=" + key, "--no-progress");
        encrypted.assertDone();
        assertTrue(encrypted.out().startsWith("flow ") && encrypted.out().contains(
            "done: file-source -> aes-gcm-encrypt x2 -> file-sink (enc)"), encrypted::toString);
        assertTrue(Files.size(cipher) > Files.size(in));
        final Cli.Outcome decrypted = cli("run", decrypt.toString(), "--key", "k9=" + key);
        decrypted.assertDone();
        assertEquals(DemoCommand.sha256(in), sha256Of(decrypted.out()));
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(back));
        assertEquals("", decrypted.err());
    }

    @Test
    void runProgramNeedsEveryDeclaredKeyAndNoOther() throws IOException {
        final Path key = Files.write(dir.resolve("key.bin"), new byte[32]);
        final Path program = program("encrypt.fml", "flow enc {\n  key k1\n  source file-source(path = "
            + quoted(randomFile("in.bin", 100)) + ")\n  via aes-gcm-encrypt(key = k1)\n  sink file-sink(path = "
            + quoted(dir.resolve("out.enc")) + ")\n}\n");
        final String missing = noNode("run", program.toString()).assertError(ExitCodes.USAGE);
        assertTrue(missing.contains("uses key 'k1': give it with --key k1=FILE"), missing);
        final String extra = noNode("run", program.toString(), "--key", "k1=" + key, "--key", "k2=" + key)
            .assertError(ExitCodes.USAGE);
        assertTrue(extra.contains("--key k2: program '" + program + "' declares no such key (it declares k1)"), extra);
        assertFalse(Files.exists(dir.resolve("out.enc")));
    }

    @Test
    void runOfARejectedProgramPrintsTheCaretDiagnosticAndExitsThree() throws IOException {
        final Path absent = dir.resolve("absent.bin");
        final Path program = program("copy.fml", copyProgram(absent, dir.resolve("out.bin")));
        final Cli.Outcome outcome = noNode("run", program.toString());
        final String line = outcome.assertError(ExitCodes.REJECTED);
        assertTrue(line.contains("was rejected: 1 error, 0 warnings"), line);
        assertTrue(outcome.out().contains(program + ":2:10: error FML071: file-source: cannot read " + absent), outcome::toString);
        assertTrue(outcome.out().contains("      |          ^^^^^^^^^^^"), outcome::toString);
    }

    @Test
    void runTakesAProgramOrOptionsButNotBoth() throws IOException {
        final Path program = program("copy.fml", copyProgram(randomFile("in.bin", 10), dir.resolve("out.bin")));
        final String both = noNode("run", program.toString(), "--from", "file-source:path=x", "--to", "file-sink:path=y")
            .assertError(ExitCodes.USAGE);
        assertTrue(both.contains("give a program FILE.fml or --from, --to, not both"), both);
        assertTrue(both.contains("'flowswitch run --help'"), both);
        final String chunk = noNode("run", program.toString(), "--chunk", "4KiB").assertError(ExitCodes.USAGE);
        assertTrue(chunk.contains("--chunk, not both") && chunk.contains("sets its own"), chunk);
        final String neither = noNode("run").assertError(ExitCodes.USAGE);
        assertTrue(neither.contains("give a program FILE.fml, or a flow as --from SOURCE"), neither);
        assertTrue(noNode("run", dir.resolve("nope.fml").toString()).assertError(ExitCodes.USAGE)
            .contains("does not exist"));
    }

    @Test
    void helpOfTheProgramCommandsNamesOptionsExitCodesAndExamples() {
        assertHelp(noNode("--help"), "check", "explain", "flowswitch run examples/encrypt-file.fml");
        assertHelp(noNode("check", "--help"), "FILE.fml...", "--format", "text|json", "--[no-]environment", "FML071",
            "Exit codes", "1   a program has errors", "Examples", "flowswitch check examples/*.fml");
        assertHelp(noNode("explain", "--help"), "--dot", "--svg", "peak rate", "Exit codes",
            "3   rejected by verification", "Examples");
        assertHelp(noNode("run", "--help"), "[FILE.fml]", "--from", "not both", "docs/fml.md");
    }

    private static void assertHelp(Cli.Outcome outcome, String... expected) {
        outcome.assertDone();
        for (String text : expected) {
            assertTrue(outcome.out().contains(text), () -> "help lacks '" + text + "':\n" + outcome.out());
        }
    }

    private static Cli.Outcome explainWithDot(String dotProgram, String... args) {
        final CommandLine commandLine = FlowswitchCommand.commandLine(Cli.NO_NODE);
        ((ExplainCommand) commandLine.getSubcommands().get("explain").getCommand()).dotProgram = dotProgram;
        return Cli.run(commandLine, args);
    }

    private static String acceleratorProgram() {
        return "flow accel {\n  source file-source(path = \"in.bin\")\n"
            + "  via rate-limit(rate-bytes-per-second = 200MiB/s) as fast replicas 4\n"
            + "  sink file-sink(path = \"out.bin\")\n  policy { rate 600MiB/s priority 5 }\n"
            + "  on stage fast { retry 2 backoff 5ms  redirect instance  fallback software  terminate }\n}\n";
    }

    private static String copyProgram(Path in, Path out) {
        return "flow copy {\n  source file-source(path = " + quoted(in) + ")\n  sink file-sink(path = " + quoted(out) + ")\n}\n";
    }

    private static String quoted(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private Path program(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private Path randomFile(String name, int size) throws IOException {
        final byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String sha256Of(String out) {
        final Matcher matcher = SHA256.matcher(out);
        assertTrue(matcher.find(), () -> "no sha256 result in:\n" + out);
        return matcher.group(1);
    }
}
