package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flowswitch experiment setup}: the leak test of the node. Ten thousand small flows, one after another;
 * the command itself fails unless threads, direct and mapped buffers, file descriptors, Aeron log buffers and
 * leases are back at their baseline afterwards. No latency is asserted: timing belongs to benchmarks.
 */
class SetupExperimentTest {
    @TempDir
    Path dir;

    @Test
    void tenThousandFlowsGiveEverythingBack() throws Exception {
        final Cli.Outcome outcome = Cli.run(Cli.NO_NODE, "experiment", "setup", "--flows", "10000", "--warmup", "300",
            "--size", "0", "--out", dir.toString());
        outcome.assertDone();
        assertTrue(outcome.out().contains("resources back at their baseline"), outcome::toString);
        assertTrue(outcome.out().contains("10000 flows after 300 warm-up"), outcome::toString);
        final List<String> rows = Files.readAllLines(dir.resolve("setup-latency.csv"));
        assertEquals("flow,open_close_ns", rows.get(0));
        assertEquals(10_001, rows.size());
        assertTrue(rows.stream().skip(1).allMatch(row -> Long.parseLong(row.split(",")[1]) > 0));
        assertTrue(Files.readString(dir.resolve("setup-latency.svg")).startsWith("<svg "));
        assertEquals(7, Files.readAllLines(dir.resolve("setup-percentiles.csv")).size());
        try (var left = Files.list(dir)) {
            assertEquals(List.of("setup-latency.csv", "setup-latency.svg", "setup-percentiles.csv"),
                left.map(p -> p.getFileName().toString()).sorted().toList(), "the flows' files are gone");
        }
    }

    @Test
    void flowsOverAeronGiveTheirStreamsBack() throws Exception {
        // Each flow leases four Aeron IPC streams from the node's pool: the first warm-up flow opens them, every
        // later flow reuses them, and they are idle in the pool (their four log buffers, nothing more) before the
        // measured flows and after ten thousand of them. Beside them, the four the node pre-warmed at start for the
        // default Aeron port (64 KiB chunks: another term than these flows' 4 KiB ones), idle throughout.
        final Cli.Outcome outcome = Cli.run(Cli.NO_NODE, "experiment", "setup", "--flows", "10000", "--warmup", "20",
            "--size", "0", "--transport", "aeron", "--settle-ms", "20000", "--out", dir.toString());
        outcome.assertDone();
        assertTrue(outcome.out().contains("resources back at their baseline"), outcome::toString);
        assertTrue(outcome.out().contains("Aeron log buffers 8, Aeron streams 8 idle 0 leased"), outcome::toString);
        assertTrue(outcome.out().contains("Aeron streams: 8 idle, 0 leased; 8 opened, 40076 reused, 0 closed unclean"),
            outcome::toString);
    }

    @Test
    void badOptionsAreAUsageError() {
        final String line = Cli.run(Cli.NO_NODE, "experiment", "setup", "--flows", "0").assertError(ExitCodes.USAGE);
        assertTrue(line.contains("--flows must be >= 1"), line);
        final String transport = Cli.run(Cli.NO_NODE, "experiment", "setup", "--transport", "tcp")
            .assertError(ExitCodes.USAGE);
        assertTrue(transport.contains("--transport must be fused or aeron, got 'tcp'"), transport);
        final String missing = Cli.run(Cli.NO_NODE, "experiment").assertError(ExitCodes.USAGE);
        assertTrue(missing.contains("no experiment given"), missing);
    }
}
