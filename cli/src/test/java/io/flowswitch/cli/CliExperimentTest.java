package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowswitch experiment}: its help, its usage errors, and a short run of an experiment. */
class CliExperimentTest {
    @TempDir
    Path dir;

    private static Cli.Outcome cli(String... args) {
        // Experiments start nodes of their own; the shared provider is never asked.
        return Cli.run(Cli.NO_NODE, args);
    }

    @Test
    void helpListsEveryExperimentWithWhatItMeasures() {
        final Cli.Outcome help = cli("experiment", "--help");
        help.assertDone();
        assertTrue(help.out().contains("replication     Throughput through k replicas"), help.out());
        assertTrue(help.out().contains("fairness        Weighted flows sharing one accelerator"), help.out());
        assertTrue(help.out().contains("small-requests  Request size sweep"), help.out());
        assertTrue(help.out().contains("--out DIR"), help.out());
        final Cli.Outcome root = cli("--help");
        assertTrue(root.out().contains("experiment"), root.out());
        final Cli.Outcome replication = cli("experiment", "replication", "--help");
        replication.assertDone();
        assertTrue(replication.out().contains("--max-replicas") && replication.out().contains("0.9 × k × R"),
            replication.out());
    }

    @Test
    void noOrUnknownExperimentIsAUsageError() {
        final String none = cli("experiment").assertError(ExitCodes.USAGE);
        assertTrue(none.contains("no experiment given: one of replication, fairness, small-requests"), none);
        assertTrue(cli("experiment", "speed").assertError(ExitCodes.USAGE).contains("speed"));
    }

    @Test
    void badOptionsAreUsageErrorsBeforeAnythingRuns() throws Exception {
        final String rate = cli("experiment", "replication", "--rate", "fast", "--out", dir.toString())
            .assertError(ExitCodes.USAGE);
        assertTrue(rate.contains("--rate") && rate.contains("'fast' is not a size"), rate);
        final String replicas = cli("experiment", "replication", "--max-replicas", "0", "--out", dir.toString())
            .assertError(ExitCodes.USAGE);
        assertTrue(replicas.contains("--max-replicas"), replicas);
        final Path file = Files.writeString(dir.resolve("file"), "x");
        final String out = cli("experiment", "replication", "--out", file.resolve("sub").toString())
            .assertError(ExitCodes.USAGE);
        assertTrue(out.contains("--out: cannot write to"), out);
        final String work = cli("experiment", "replication", "--out", dir.toString(), "--work",
            dir.resolve("missing").toString()).assertError(ExitCodes.USAGE);
        assertTrue(work.contains("--work"), work);
    }

    @Test
    void replicationWritesItsTablesChartsAndSummary() throws Exception {
        final Cli.Outcome run = cli("experiment", "replication", "--quick", "--rate", "64MiB", "--size", "1MiB",
            "--max-replicas", "2", "--gzip-flows", "2", "--gzip-size", "256KiB", "--out", dir.toString(),
            "--work", dir.toString());
        run.assertDone();
        final List<String> rows = Files.readAllLines(dir.resolve("replication.csv"));
        assertEquals("replicas,expected_bytes_per_second,measured_bytes_per_second,ceiling_bytes_per_second,"
            + "measured_over_expected,checked", rows.get(0));
        assertEquals(3, rows.size(), rows::toString);
        assertTrue(rows.get(2).startsWith("2,134217728,"), rows::toString);
        final List<String> pinned = Files.readAllLines(dir.resolve("pinned.csv"));
        assertEquals(3, pinned.size(), pinned::toString);
        // Two flows at once, each on its own gzip instance: the ledger never showed two on one.
        assertTrue(pinned.get(2).endsWith(",1"), pinned::toString);
        assertTrue(Files.readString(dir.resolve("replication.svg")).contains("<polyline"));
        assertTrue(Files.readString(dir.resolve("pinned.svg")).contains("<polyline"));
        assertTrue(run.out().contains("target each gzip flow pinned to its own instance"), run.out());
        assertTrue(run.out().contains("wrote " + dir.resolve("replication.csv")), run.out());
        // Scratch files are gone: only the results stay.
        assertEquals(List.of("pinned.csv", "pinned.svg", "replication.csv", "replication.svg"), listed(dir));
    }

    @Test
    void fairnessWritesEachPhaseAndTheTimeline() throws Exception {
        final Cli.Outcome run = cli("experiment", "fairness", "--quick", "--seconds", "0.3", "--rate", "8MiB",
            "--weights", "3,1", "--out", dir.toString(), "--work", dir.toString());
        run.assertDone();
        final List<String> rows = Files.readAllLines(dir.resolve("fairness.csv"));
        assertEquals("phase,flow,weight,expected_bytes_per_second,measured_bytes_per_second,measured_over_expected",
            rows.get(0));
        // Two flows in phase 1, the one left in phase 2, which then expects the whole card.
        assertEquals(4, rows.size(), rows::toString);
        assertTrue(rows.get(3).startsWith("2,0,3,8388608,"), rows::toString);
        assertTrue(Files.readAllLines(dir.resolve("timeline.csv")).size() > 3);
        assertTrue(Files.readString(dir.resolve("timeline.svg")).contains("flow 1 leaves"));
        assertTrue(run.out().contains("target weights 3:1 give 3:1 +- 10%"), run.out());
        assertEquals(List.of("fairness.csv", "fairness.svg", "timeline.csv", "timeline.svg"), listed(dir));
    }

    @Test
    void fairnessNeedsTwoWeightsOfAtLeastOne() {
        assertTrue(cli("experiment", "fairness", "--weights", "3", "--out", dir.toString())
            .assertError(ExitCodes.USAGE).contains("--weights needs at least two weights"));
        assertTrue(cli("experiment", "fairness", "--weights", "3,0", "--out", dir.toString())
            .assertError(ExitCodes.USAGE).contains("each 1..1000"));
    }

    @Test
    void smallRequestsSweepsSizesAndMarksTheCalibratedThreshold() throws Exception {
        final Cli.Outcome run = cli("experiment", "small-requests", "--quick", "--max-size", "4KiB",
            "--bytes-per-point", "8KiB", "--calibration-size", "64KiB", "--concurrency", "2", "--warm-up-limit", "1",
            "--out", dir.toString(), "--work", dir.toString());
        run.assertDone();
        assertTrue(run.out().contains("warmed up until the JIT went quiet: ")
            && run.out().contains("(--warm-up-limit reached first)"), "a 1 s limit ends before a 10 s window: " + run.out());
        final List<String> rows = Files.readAllLines(dir.resolve("small-requests.csv"));
        assertEquals("size_bytes,flow_us,bypass_us,batched_us,flow_over_bypass,flow_sink_us,bypass_sink_us,"
            + "flow_over_bypass_sink", rows.get(0));
        assertEquals(List.of("1024", "2048", "4096"), rows.subList(1, rows.size()).stream()
            .map(row -> row.substring(0, row.indexOf(','))).toList());
        assertTrue(run.out().contains("calibrated: flow"), run.out());
        assertTrue(run.out().contains("target 1 KiB into the caller's sink: bypass >= 5x the flow path"), run.out());
        assertTrue(run.out().contains("file to file, not the target's measure"), run.out());
        assertEquals(5, Files.readString(dir.resolve("small-requests.svg")).split("<polyline").length - 1);
        assertEquals(List.of("small-requests.csv", "small-requests.svg"), listed(dir));
    }

    @Test
    void smallRequestsRefusesAWarmUpLimitOutOfRange() {
        for (String limit : new String[] {"-1", "3601"}) {
            assertTrue(cli("experiment", "small-requests", "--quick", "--warm-up-limit", limit, "--out", dir.toString())
                .assertError(ExitCodes.USAGE).contains("--warm-up-limit 0..3600"), limit);
        }
    }

    @Test
    void smallRequestsPlacesTheCrossingOnAFinerSweepAcrossItsBracket() throws Exception {
        // A 64 MiB/s accelerator: 1 MiB takes 16 ms on the bypass's one instance and a quarter of that on the
        // flow's four (16 chunks), so the flow pays for itself within the sweep, above its smallest size.
        final Cli.Outcome run = cli("experiment", "small-requests", "--request", "accel", "--quick", "--min-size",
            "16KiB", "--max-size", "1MiB", "--bytes-per-point", "1MiB", "--calibration-size", "1MiB",
            "--crossing-rounds", "1", "--out", dir.toString(), "--work", dir.toString());
        run.assertDone();
        assertTrue(run.out().contains("crossing: the doubling sweep's gaps change sign between"), run.out());
        final List<String> rows = Files.readAllLines(dir.resolve("small-requests-crossing.csv"));
        assertEquals("size_bytes,gap_us", rows.get(0));
        final List<Long> sizes = rows.subList(1, rows.size()).stream()
            .map(row -> Long.parseLong(row.substring(0, row.indexOf(',')))).toList();
        assertEquals(7, sizes.size(), rows::toString);
        for (int i = 1; i < sizes.size(); i++) {
            assertTrue(sizes.get(i) > sizes.get(i - 1), rows::toString);
        }
        assertTrue(sizes.get(0) >= 16 * 1024 && sizes.get(6) <= 1024 * 1024, "within the sweep: " + rows);
    }

    private static List<String> listed(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
