package io.flowswitch.fml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.fml.diag.Diagnostic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded, bounded random-mutation test of the whole front end, next to the Jazzer fuzz test: the golden
 * programs with bytes flipped, inserted, deleted and spliced, and sequences of tokens shuffled. For every
 * input the only outcomes are a plan or diagnostics, never another exception; and the diagnostics are
 * well-formed. Runs in about a second.
 */
class MutationTest {
    private static final int ROUNDS = 4000;
    private static final String[] FRAGMENTS = {"{", "}", "(", ")", "=", "..", "flow", "via", "on stage", "header {",
        "x = (", "64KiB", "500MiB/s", "\"", "#", "\n", "retry", "terminate", "0x", "99999999999999999999",
        "replicas", "split", "join", "tee", "\u00e9", "\t", "key", "policy {", "crc32c(", ",", ";", "-", "<<"};

    @Test
    void mutatedProgramsEndInAPlanOrDiagnostics() throws IOException {
        final List<byte[]> seeds = new ArrayList<>();
        for (String dir : List.of("accept", "reject")) {
            for (Path p : GoldenFiles.programs(dir)) {
                seeds.add(Files.readAllBytes(p));
            }
        }
        final Random random = new Random(20240611L);
        final FmlOptions options = GoldenFiles.options();
        for (int round = 0; round < ROUNDS; round++) {
            final byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), seeds, random);
            final Fml.Result result;
            try {
                result = Fml.check("m.fml", input, options);
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("round " + round + " threw on:\n" + new String(input, StandardCharsets.UTF_8), e);
            }
            assertEquals(result.plan().isPresent(), !result.diagnostics().hasErrors(), "round " + round);
            for (Diagnostic d : result.diagnostics().list()) {
                assertTrue(d.message().length() < 2000, d::toString);
            }
            result.render();
            result.renderJson();
        }
    }

    private static byte[] mutate(byte[] seed, List<byte[]> seeds, Random random) {
        final StringBuilder s = new StringBuilder(new String(seed, StandardCharsets.ISO_8859_1));
        final int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            final int at = s.length() == 0 ? 0 : random.nextInt(s.length());
            switch (random.nextInt(6)) {
                case 0 -> {
                    if (s.length() > 0) {
                        s.setCharAt(at, (char) random.nextInt(256));
                    }
                }
                case 1 -> {
                    if (s.length() > 0) {
                        s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(8)));
                    }
                }
                case 2 -> s.insert(at, new String(FRAGMENTS[random.nextInt(FRAGMENTS.length)]
                    .getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
                case 3 -> {
                    final byte[] other = seeds.get(random.nextInt(seeds.size()));
                    if (other.length > 0) {
                        final int from = random.nextInt(other.length);
                        s.insert(at, new String(other, from, Math.min(other.length - from, 40),
                            StandardCharsets.ISO_8859_1));
                    }
                }
                case 4 -> s.insert(at, "(".repeat(random.nextInt(100)));
                default -> {
                    if (s.length() > 2) {
                        final int to = random.nextInt(s.length());
                        final char c = s.charAt(at);
                        s.setCharAt(at, s.charAt(to));
                        s.setCharAt(to, c);
                    }
                }
            }
        }
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
