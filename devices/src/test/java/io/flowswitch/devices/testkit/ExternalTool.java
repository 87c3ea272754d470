package io.flowswitch.devices.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs real command-line tools ({@code gzip}, {@code sha256sum}, ...) for interoperability tests, which
 * skip with a clear reason only when the tool is not installed.
 */
public final class ExternalTool {
    private static final long TIMEOUT_SECONDS = 120;

    private ExternalTool() {
    }

    /** Skips the calling test when {@code tool --version} cannot be run. */
    public static void assumeInstalled(String tool) {
        boolean installed;
        try {
            final Process process = new ProcessBuilder(tool, "--version")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
            installed = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            installed = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            installed = false;
        }
        Assumptions.assumeTrue(installed, "'" + tool + "' is not installed (not on PATH): interoperability test skipped");
    }

    /**
     * Runs {@code command} with standard input from {@code stdin} (none when {@code null}) and standard
     * output into {@code stdout}, and fails with its standard error unless it exits with 0.
     */
    public static void run(Path stdin, Path stdout, String... command) throws IOException, InterruptedException {
        final Path stderr = Files.createTempFile(stdout.getParent(), "stderr", ".txt");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        final Process process = builder.start();
        if (stdin == null) {
            // An empty standard input, so a tool that reads it sees end of file at once.
            process.getOutputStream().close();
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        final String errors = Files.readString(stderr, StandardCharsets.UTF_8);
        Files.delete(stderr);
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + process.exitValue() + ": " + errors);
        }
    }

    /** {@code tool args... file} with standard output returned as text, e.g. for {@code sha256sum}. */
    public static String output(Path workDir, String... command) throws IOException, InterruptedException {
        final Path stdout = Files.createTempFile(workDir, "stdout", ".txt");
        run(null, stdout, command);
        final String text = Files.readString(stdout, StandardCharsets.UTF_8);
        Files.delete(stdout);
        return text;
    }
}
