package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowswitch experiment faults}: a small matrix end to end, and its usage errors. */
class FaultsExperimentTest {
    @TempDir
    Path dir;

    @Test
    void aSmallMatrixWritesCsvAndHtml() throws Exception {
        final Cli.Outcome run = Cli.run(Cli.NO_NODE, "experiment", "faults", "--devices", "aes-gcm-encrypt,rate-limit",
            "--faults", "crash", "--policies", "redirect,retry", "--runs", "2", "--size-mib", "2", "--chunk-kib", "16",
            "--out", dir.toString());
        run.assertDone();
        final List<String> csv = Files.readAllLines(dir.resolve("faults.csv"));
        assertEquals(5, csv.size(), csv::toString);
        assertTrue(csv.get(0).startsWith("device,fault,policy,runs,succeeded,identical,recover_p50_ms"), csv.get(0));
        // A crashed instance: redirect recovers with identical output; retrying the same instance cannot.
        assertTrue(csv.get(1).startsWith("aes-gcm-encrypt,crash,redirect,2,2,2,"), csv.get(1));
        assertTrue(csv.get(2).startsWith("aes-gcm-encrypt,crash,retry,2,0,0,"), csv.get(2));
        assertTrue(csv.get(2).contains("ended: stage 2 (aes-gcm-encrypt): the device crashed"), csv.get(2));
        assertTrue(csv.get(3).startsWith("rate-limit,crash,redirect,2,2,2,"), csv.get(3));
        final String html = Files.readString(dir.resolve("faults.html"));
        assertTrue(html.contains("<svg") && html.contains("aes-gcm-encrypt / crash / redirect"), html);
        // The target is judged per redirected crash cell, and the summary names the files it wrote.
        assertTrue(run.out().contains("target aes-gcm-encrypt crash: redirect p99 < 50 ms, nothing lost"), run.out());
        assertTrue(run.out().contains("target rate-limit crash: redirect p99 < 50 ms, nothing lost"), run.out());
        assertTrue(run.out().contains("wrote " + dir.resolve("faults.csv") + ", " + dir.resolve("faults.html")),
            run.out());
    }

    @Test
    void anUnknownFaultIsAUsageError() {
        final Cli.Outcome run = Cli.run(Cli.NO_NODE, "experiment", "faults", "--faults", "gremlins", "--out",
            dir.toString());
        final String err = run.assertError(ExitCodes.USAGE);
        assertTrue(err.contains("--faults: unknown fault 'gremlins'"), err);
    }
}
