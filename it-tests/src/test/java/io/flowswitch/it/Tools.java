package io.flowswitch.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs tools nobody here wrote; a test that needs an absent tool is skipped with the reason. */
final class Tools {
    private Tools() {
    }

    static void require(String tool) {
        assumeTrue(onPath(tool), tool + " is not installed: interoperability with it is not checked");
    }

    static boolean onPath(String tool) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command with stdin from {@code in} (or nothing) and stdout to {@code out}; fails on a non-zero exit. */
    static String run(Path in, Path out, String... command) throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder(List.of(command));
        if (in != null) {
            builder.redirectInput(in.toFile());
        }
        if (out != null) {
            builder.redirectOutput(out.toFile());
        }
        final Path err = Files.createTempFile("tool", ".err");
        builder.redirectError(err.toFile());
        final Process process = builder.start();
        final String stdout = out == null ? new String(process.getInputStream().readAllBytes()) : "";
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
        }
        final String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", new ArrayList<>(List.of(command))) + " exited "
                + process.exitValue() + ": " + stderr);
        }
        return stdout;
    }

    /** The first word of {@code sha256sum FILE}. */
    static String sha256sum(Path file) throws IOException, InterruptedException {
        require("sha256sum");
        return run(null, null, "sha256sum", file.toString()).split("\\s+")[0];
    }
}
