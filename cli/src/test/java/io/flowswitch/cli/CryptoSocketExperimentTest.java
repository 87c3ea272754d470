package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment runs end to end at a tiny scale: outputs checked, files written. Figures are not asserted. */
class CryptoSocketExperimentTest {
    private static Cli.SharedNode node;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        node = Cli.SharedNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void tinyRunChecksEveryVariantAndWritesCsvSvgAndSummary() throws Exception {
        final Cli.Outcome outcome = node.run("experiment", "crypto-socket", "--sizes", "4KiB", "--runs", "1",
            "--bytes", "1MiB", "--out", dir.toString(), "--work", dir.toString(), "--accelerator-latency-us", "0", "--messages", "300");
        outcome.assertDone();
        assertTrue(outcome.out().contains("checked: every variant's stream decrypts to the input"), outcome::toString);
        final List<String> csv = Files.readAllLines(dir.resolve("crypto-socket.csv"));
        assertEquals(1 + 3 * 3, csv.size(), "a header and one row per layer and variant");
        assertTrue(csv.stream().anyMatch(line -> line.startsWith("tls,4096,app-mediated,0,1048576,1048576,")),
            "the tls layer, its plaintext all received: " + csv);
        assertTrue(csv.get(1).startsWith("aes-gcm,4096,app-mediated,0,1048576,"), csv.get(1));
        for (String layer : List.of("aes-gcm", "accelerator", "tls")) {
            assertTrue(Files.readString(dir.resolve("crypto-socket-" + layer + ".svg")).contains("<svg"), layer);
        }
        assertTrue(Files.readString(dir.resolve("crypto-socket.txt")).contains("| aes-gcm | 4KiB | linked+pages |"));
        assertTrue(Files.readString(dir.resolve("crypto-socket.txt")).contains("| batched |"));
        final List<String> batching = Files.readAllLines(dir.resolve("crypto-socket-batching.csv"));
        assertEquals(1 + 2, batching.size(), "a header, one unbatched and one batched run");
        assertTrue(batching.get(1).matches("0,0,300,100,300,.*"), "unbatched: a record per message: " + batching.get(1));
        final long batchedRecords = Long.parseLong(batching.get(2).split(",")[4]);
        assertTrue(batchedRecords < 30, "batched: " + batchedRecords + " records for 300 messages");
        assertEquals(List.of("crypto-socket-accelerator.svg", "crypto-socket-aes-gcm.svg", "crypto-socket-batching.csv",
                "crypto-socket-tls.svg", "crypto-socket.csv", "crypto-socket.txt"),
            Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList(), "the input file was removed");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertTrue(Cli.run(Cli.NO_NODE, "experiment", "crypto-socket", "--sizes", "2MiB").assertError(ExitCodes.USAGE)
            .contains("outside 1KiB..1MiB"));
        assertTrue(Cli.run(Cli.NO_NODE, "experiment", "crypto-socket", "--layers", "rot13").assertError(ExitCodes.USAGE)
            .contains("unknown layer"));
        assertTrue(Cli.run(Cli.NO_NODE, "experiment").assertError(ExitCodes.USAGE).contains("crypto-socket"));
    }
}
