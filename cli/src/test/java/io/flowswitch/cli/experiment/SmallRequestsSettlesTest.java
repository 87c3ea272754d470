package io.flowswitch.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Requests in the small-requests experiment are timed on a settled node: it waits before every timed request. */
class SmallRequestsSettlesTest {
    @TempDir
    Path dir;

    @Test
    void theExperimentWaitsForASettledNodeBeforeEveryTimedRequest() {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = new CommandLine(new SmallRequestsExperiment())
            .setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        final int exitCode = commandLine.execute("--quick", "--request", "accel", "--accel-rate", "256MiB",
            "--min-size", "1KiB", "--max-size", "1KiB", "--bytes-per-point", "5KiB", "--calibration-size", "64KiB",
            "--warm-up", "2", "--concurrency", "1", "--out", dir.resolve("out").toString(),
            "--work", dir.toString());
        commandLine.getOut().flush();
        assertEquals(0, exitCode, () -> out + "\n" + err);
        final Matcher waits = Pattern.compile("timed on a settled node \\(no flow open, no lease held\\): (\\d+) waits")
            .matcher(out.toString());
        assertTrue(waits.find(), out::toString);
        // One size, 5 rounds of four timed requests, then one wait before the batched ones.
        assertEquals(5 * 4 + 1, Integer.parseInt(waits.group(1)), out::toString);
    }
}
