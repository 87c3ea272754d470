package io.flowswitch.fml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.fml.diag.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every program under {@code fml/accept} gives exactly the plan in its {@code .plan} file; every program
 * under {@code fml/reject} gives exactly the diagnostics in its {@code .expected} file. See
 * {@link GoldenFiles} for rewriting the expected files.
 */
class GoldenTest {
    /** Codes with a test of their own rather than a golden file (a 1 MiB file does not belong in git). */
    private static final Set<Code> TESTED_ELSEWHERE = EnumSet.of(Code.FML001);

    static Stream<Path> accepted() {
        return GoldenFiles.programs("accept").stream();
    }

    static Stream<Path> rejected() {
        return GoldenFiles.programs("reject").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void acceptedProgramGivesItsPlan(Path program) throws IOException {
        final Fml.Result result = GoldenFiles.check(program);
        assertTrue(result.ok(), () -> GoldenFiles.name(program) + " was rejected:\n" + result.render());
        assertFalse(result.diagnostics().hasErrors());
        final String actual = (result.diagnostics().isEmpty() ? "" : result.render() + "\n") + result.plan().get().describe();
        compare(GoldenFiles.expected(program, ".plan"), actual);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectedProgramGivesItsDiagnostics(Path program) throws IOException {
        final Fml.Result result = GoldenFiles.check(program);
        assertFalse(result.ok(), () -> GoldenFiles.name(program) + " was accepted:\n" + result.plan().get().describe());
        assertTrue(result.diagnostics().hasErrors());
        compare(GoldenFiles.expected(program, ".expected"), result.render());
    }

    @Test
    void everyCodeHasARejectCase() throws IOException {
        final Set<Code> seen = EnumSet.copyOf(TESTED_ELSEWHERE);
        for (Path program : GoldenFiles.programs("reject")) {
            final String expected = Files.readString(GoldenFiles.expected(program, ".expected"), StandardCharsets.UTF_8);
            for (Code code : Code.values()) {
                if (expected.contains(" " + code.id() + ":")) {
                    seen.add(code);
                }
            }
        }
        final List<Code> missing = Stream.of(Code.values()).filter(c -> !seen.contains(c)).toList();
        assertEquals(List.of(), missing, "codes without a reject case");
        assertTrue(GoldenFiles.programs("reject").size() >= 40, "at least 40 reject cases");
    }

    @Test
    void theReferenceListsEveryCodeWithItsTitle() throws IOException {
        final String reference = Files.readString(Path.of("..", "docs", "fml.md"), StandardCharsets.UTF_8);
        for (Code code : Code.values()) {
            assertTrue(reference.contains("| " + code.id() + " | " + code.title() + " |"),
                () -> "docs/fml.md lacks the row of " + code.id() + " (" + code.title() + ")");
        }
    }

    private static void compare(Path expectedFile, String actual) throws IOException {
        if (GoldenFiles.update()) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
            return;
        }
        assertTrue(Files.exists(expectedFile), () -> "missing " + expectedFile + "; run with -Dfml.golden.update=true"
            + " to create it. Output was:\n" + actual);
        assertEquals(Files.readString(expectedFile, StandardCharsets.UTF_8), actual, expectedFile.toString());
    }
}
