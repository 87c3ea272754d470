package io.flowswitch.fml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of lexer, parser, resolver and both verifier passes. Under {@code mvn verify} it runs
 * in regression mode over the seed corpus in {@code src/test/resources/io/flowswitch/fml/FmlFuzzTestInputs};
 * {@code docs/fml.md} says how to fuzz for longer. The only outcomes for any input are a plan or
 * diagnostics: any other exception, a stack overflow or a hang fails the test.
 */
class FmlFuzzTest {
    private static final FmlOptions OPTIONS = GoldenFiles.options();

    @FuzzTest(maxDuration = "30s")
    void frontEndGivesAPlanOrDiagnostics(byte[] input) {
        final Fml.Result result = Fml.check("fuzz.fml", input, OPTIONS);
        assertEquals(result.plan().isPresent(), !result.diagnostics().hasErrors());
        result.render();
        result.renderJson();
    }
}
