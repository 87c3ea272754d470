package io.flowswitch.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * An experiment whose run fails a condition its figures rely on (a leak, a failed flow) still writes its
 * files and summary, then says why in one line on stderr and exits 1; a run that only misses targets exits 0.
 */
class ExperimentFailTest {
    @TempDir
    Path dir;

    @Command(name = "leaky")
    static final class Leaky extends Experiment {
        boolean leak;

        @Override
        protected void run(ExperimentOutput output) throws Exception {
            output.text("figures.txt", "1 2 3\n");
            output.target("p50 < 1 ms", "2 ms", false);
            if (leak) {
                fail("resources not back at their baseline after 10 ms: 3 threads (2 more)");
            }
        }
    }

    @Test
    void aFailedRunWritesItsFilesThenExitsOneSayingWhy() throws Exception {
        final Leaky leaky = new Leaky();
        leaky.leak = true;
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exitCode = run(leaky, out, err);
        assertEquals(1, exitCode, out::toString);
        assertEquals("flowswitch: resources not back at their baseline after 10 ms: 3 threads (2 more)",
            err.toString().strip());
        assertTrue(out.toString().contains("leaky: 1 target(s) missed; wrote " + dir.resolve("figures.txt")),
            out::toString);
        assertEquals("1 2 3\n", Files.readString(dir.resolve("figures.txt")));
    }

    @Test
    void aMissedTargetAloneDoesNotFailTheRun() throws Exception {
        final StringWriter err = new StringWriter();
        assertEquals(0, run(new Leaky(), new StringWriter(), err));
        assertEquals("", err.toString());
    }

    private int run(Experiment experiment, StringWriter out, StringWriter err) {
        final CommandLine commandLine = new CommandLine(experiment);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        final int exitCode = commandLine.execute("--out", dir.toString());
        commandLine.getOut().flush();
        return exitCode;
    }
}
