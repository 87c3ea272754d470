package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command lines that are refused (exit code 2) before any node starts, and the help texts. */
class CliUsageTest {
    @TempDir
    Path dir;

    private static Cli.Outcome cli(String... args) {
        return Cli.run(Cli.NO_NODE, args);
    }

    private String[] run(String... extra) {
        final List<String> args = new java.util.ArrayList<>(List.of("run", "--from", "file-source:path="
            + dir.resolve("in.bin"), "--to", "file-sink:path=" + dir.resolve("out.bin")));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void noCommandIsAUsageError() {
        assertTrue(cli().assertError(ExitCodes.USAGE).contains("flowswitch demo"));
    }

    @Test
    void unknownCommandAndOptionAreUsageErrors() {
        assertTrue(cli("frobnicate").assertError(ExitCodes.USAGE).contains("frobnicate"));
        assertTrue(cli(run("--frobnicate")).assertError(ExitCodes.USAGE).contains("--frobnicate"));
    }

    @Test
    void missingSinkIsAUsageErrorThatPointsToHelp() {
        final String line = cli("run", "--from", "file-source:path=x").assertError(ExitCodes.USAGE);
        assertTrue(line.contains("--to"), line);
        assertTrue(line.contains("'flowswitch run --help'"), line);
    }

    @Test
    void badSizesNameTheOptionAndTheText() {
        final String garbage = cli(run("--chunk", "12XB")).assertError(ExitCodes.USAGE);
        assertTrue(garbage.contains("--chunk") && garbage.contains("12XB"), garbage);
        assertTrue(cli(run("--chunk", "2MiB")).assertError(ExitCodes.USAGE)
            .contains("--chunk must be between 1KiB and 1MiB, got 2MiB"));
        assertTrue(cli(run("--chunk", "512")).assertError(ExitCodes.USAGE).contains("got 512"));
        assertTrue(cli("demo", "--size", "lots").assertError(ExitCodes.USAGE).contains("'lots' is not a size"));
        assertTrue(cli("demo", "--size", "0").assertError(ExitCodes.USAGE).contains("--size"));
    }

    @Test
    void badStageTransportAndPortCapacityAreUsageErrors() {
        final String stage = cli("run", "--from", "file-source=in.bin", "--to", "file-sink:path=x")
            .assertError(ExitCodes.USAGE);
        assertTrue(stage.contains("--from") && stage.contains("put a ':'"), stage);
        assertTrue(cli(run("--transport", "udp")).assertError(ExitCodes.USAGE).contains("use fused or aeron"));
        assertTrue(cli(run("--port-capacity", "0")).assertError(ExitCodes.USAGE).contains("--port-capacity"));
        assertTrue(cli("devices", "--format", "xml").assertError(ExitCodes.USAGE).contains("xml"));
    }

    @Test
    void keyFileOfTheWrongLengthIsNamed() throws IOException {
        final Path key = Files.write(dir.resolve("key.bin"), new byte[16]);
        final String line = cli(run("--via", "aes-gcm-encrypt:key=k1", "--key", "k1=" + key))
            .assertError(ExitCodes.USAGE);
        assertTrue(line.contains(key.toString()) && line.contains("holds 16 bytes"), line);
    }

    @Test
    void keyThatAStageNamesMustBeGiven() {
        final String line = cli(run("--via", "aes-gcm-encrypt:key=k9")).assertError(ExitCodes.USAGE);
        assertTrue(line.contains("give it with --key k9=FILE"), line);
    }

    @Test
    void sameKeyNameTwiceIsRefused() throws IOException {
        final Path key = Files.write(dir.resolve("key.bin"), new byte[32]);
        assertTrue(cli(run("--key", "k1=" + key, "--key", "k1=" + key)).assertError(ExitCodes.USAGE)
            .contains("given twice"));
    }

    @Test
    void demoWithoutRoomSaysSo() {
        final String line = cli("demo", "--size", "64TiB", "--dir", dir.toString()).assertError(ExitCodes.USAGE);
        assertTrue(line.contains("needs about") && line.contains("--size"), line);
        assertTrue(cli("demo", "--dir", dir.resolve("absent").toString()).assertError(ExitCodes.USAGE)
            .contains("is not a directory"));
    }

    @Test
    void helpOfEveryCommandNamesItsOptionsAndExitCodes() {
        assertHelp(cli("--help"), "demo", "run", "devices", "--debug", "Exit codes", "flowswitch demo");
        assertHelp(cli("run", "--help"), "--from", "--via", "--to", "--key", "--chunk", "--transport",
            "--port-capacity", "--[no-]progress", "replicas=N", "Default: 64KiB", "Examples", "Exit codes",
            "3   rejected by verification or admission");
        assertHelp(cli("demo", "--help"), "--size", "--dir", "--chunk", "--transport", "Default: 256MiB",
            "digests match", "Examples", "Exit codes");
        assertHelp(cli("devices", "--help"), "--format", "--instances", "text|json", "Examples", "Exit codes");
        assertHelp(cli("help", "run"), "--from", "--to");
    }

    @Test
    void versionNamesTheProduct() {
        final Cli.Outcome outcome = cli("--version");
        outcome.assertDone();
        assertTrue(outcome.out().startsWith("flowswitch "), outcome.out());
        assertEquals(outcome.out(), cli("run", "--version").out());
    }

    private static void assertHelp(Cli.Outcome outcome, String... expected) {
        outcome.assertDone();
        for (String text : expected) {
            assertTrue(outcome.out().contains(text), () -> "help lacks '" + text + "':\n" + outcome.out());
        }
    }
}
