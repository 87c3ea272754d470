package io.flowswitch.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.devices.tls.TlsContexts;
import io.flowswitch.devices.tls.TlsEndpoints;
import io.flowswitch.https.HttpsFileServer;
import io.flowswitch.javadsl.FlowSwitch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS file server against real clients: curl and openssl s_client fetch files byte-identical over
 * TLS 1.3; ranges; traversal attempts; clients that vanish or stop reading leave no flow, lease or
 * borrowed connection behind, and the server keeps serving.
 */
class HttpsServerTest {
    private static final int STALL_MS = 1_500;
    private static final String SECRET = "the secret outside the root";

    @TempDir
    static Path dir;

    private static FlowSwitch node;
    private static HttpsFileServer server;
    private static Path root;
    private static Path certificate;
    private static SSLContext client;
    private static byte[] mid;
    private static byte[] big;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(dir.resolve("site"));
        final Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        Files.writeString(dir.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(root.resolve("link-out"), outside);
        Files.writeString(root.resolve("small.txt"), "hello, small file\n".repeat(50));
        mid = random(1024 * 1024 + 17, 1);
        big = random(16 * 1024 * 1024, 2);
        Files.write(root.resolve("mid.bin"), mid);
        Files.write(root.resolve("big.bin"), big);
        Files.write(root.resolve("empty.bin"), new byte[0]);
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/index.html"), "<p>index</p>\n");
        Files.writeString(root.resolve("a b.txt"), "spaced name\n");

        final Path tlsDir = dir.resolve("tls");
        final TlsContexts.Identity identity = TlsContexts.selfSigned(tlsDir);
        certificate = tlsDir.resolve(TlsContexts.CERTIFICATE_FILE);
        client = TlsContexts.trusting(identity.certificate());
        node = FlowSwitch.start();
        server = HttpsFileServer.start(node, HttpsFileServer.Settings.of(root, 0, identity.context())
            .withSmallFileBytes(64 * 1024).withTimeouts(10_000, STALL_MS));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        await(() -> server.counters().activeFlows() == 0, "every response flow ended");
        await(() -> liveLeases() == 0, "every lease went back");
        await(() -> TlsEndpoints.borrowed() == 0, "no stage still borrows a connection");
    }

    @Test
    void curlFetchesFilesByteIdenticalOverTls13WithKeepAlive() throws Exception {
        Tools.require("curl");
        final long flowsBefore = server.counters().flowResponses();
        final long softwareBefore = server.counters().softwareResponses();
        final Path midOut = dir.resolve("curl-mid.bin");
        final Path smallOut = dir.resolve("curl-small.txt");
        final String report = Tools.run(null, null, "curl", "-sS", "--fail", "--tlsv1.3", "--cacert", certificate.toString(),
            "-w", "%{http_code} %{num_connects}\\n",
            "-o", midOut.toString(), url("/mid.bin"), "-o", smallOut.toString(), url("/small.txt"));
        assertEquals(List.of("200 1", "200 0"), report.lines().toList(), "two 200s on one connection");
        assertEquals(sha256(mid), Tools.sha256sum(midOut));
        assertEquals(Tools.sha256sum(root.resolve("small.txt")), Tools.sha256sum(smallOut));
        assertEquals(flowsBefore + 1, server.counters().flowResponses(), "the 1 MiB file took a flow");
        assertEquals(softwareBefore + 1, server.counters().softwareResponses(), "the small file the software path");
    }

    @Test
    void curlRangeAndHead() throws Exception {
        Tools.require("curl");
        final Path part = dir.resolve("curl-range.bin");
        final String code = Tools.run(null, null, "curl", "-sS", "--tlsv1.3", "--cacert", certificate.toString(),
            "-r", "100000-299999", "-w", "%{http_code}", "-o", part.toString(), url("/mid.bin"));
        assertEquals("206", code);
        assertArrayEquals(Arrays.copyOfRange(mid, 100_000, 300_000), Files.readAllBytes(part));
        final String head = Tools.run(null, null, "curl", "-sS", "--tlsv1.3", "--cacert", certificate.toString(),
            "-I", url("/mid.bin"));
        assertTrue(head.contains("content-length: " + mid.length) || head.contains("Content-Length: " + mid.length), head);
    }

    @Test
    void opensslSClientFetchesAFileByteIdentical() throws Exception {
        Tools.require("openssl");
        final Path request = Files.writeString(dir.resolve("request.txt"),
            "GET /mid.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        final Path response = dir.resolve("openssl-response.bin");
        Tools.run(request, response, "openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
            "-servername", "localhost", "-tls1_3", "-CAfile", certificate.toString(), "-verify_return_error",
            "-quiet");
        final byte[] bytes = Files.readAllBytes(response);
        final int bodyStart = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) + 4;
        final String head = new String(bytes, 0, bodyStart, StandardCharsets.ISO_8859_1);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertEquals(sha256(mid), sha256(Arrays.copyOfRange(bytes, bodyStart, bytes.length)));
    }

    @Test
    void rangesGive206WithTheRightBytesAnd416PastTheEnd() throws Exception {
        try (RawHttpsClient http = new RawHttpsClient(client, server.port())) {
            final RawHttpsClient.Response first = http.get("/mid.bin", "Range: bytes=0-9");
            assertEquals(206, first.status());
            assertEquals("bytes 0-9/" + mid.length, first.header("content-range"));
            assertArrayEquals(Arrays.copyOf(mid, 10), first.body());

            final RawHttpsClient.Response suffix = http.get("/mid.bin", "Range: bytes=-70000");
            assertEquals(206, suffix.status());
            assertArrayEquals(Arrays.copyOfRange(mid, mid.length - 70_000, mid.length), suffix.body());

            final RawHttpsClient.Response open = http.get("/mid.bin", "Range: bytes=1000000-");
            assertEquals(206, open.status());
            assertArrayEquals(Arrays.copyOfRange(mid, 1_000_000, mid.length), open.body());

            final RawHttpsClient.Response past = http.get("/mid.bin", "Range: bytes=" + mid.length + "-");
            assertEquals(416, past.status());
            assertEquals("bytes */" + mid.length, past.header("content-range"));

            final RawHttpsClient.Response ignored = http.get("/small.txt", "Range: bytes=0-1,5-6");
            assertEquals(200, ignored.status(), "several ranges: the whole file");
            assertEquals(Files.size(root.resolve("small.txt")), ignored.body().length);
        }
    }

    @Test
    void traversalNeverLeavesTheRoot() throws Exception {
        final List<String> attempts = List.of("/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
            "/sub/../../secret.txt", "/sub/..%2f..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/link-out/secret.txt",
            "/..%5csecret.txt", "/./small.txt", "/%252e%252e/secret.txt", "/%c0%ae%c0%ae/secret.txt",
            "/sub/%00.txt", "//../secret.txt", "/link-out/../../secret.txt");
        for (String target : attempts) {
            // A connection per attempt: a 400 closes the connection.
            try (RawHttpsClient http = new RawHttpsClient(client, server.port())) {
                final RawHttpsClient.Response response = http.get(target);
                assertTrue(response.status() == 403 || response.status() == 404 || response.status() == 400,
                    target + " -> " + response.status());
                assertFalse(response.text().contains(SECRET), target + " served the secret");
            }
        }
        try (RawHttpsClient http = new RawHttpsClient(client, server.port())) {
            assertEquals(200, http.get("/small.txt").status(), "the same client is served");
        }
    }

    @Test
    void traversalByCurlWithPathAsIs() throws Exception {
        Tools.require("curl");
        final String code = Tools.run(null, null, "curl", "-sS", "--tlsv1.3", "--cacert", certificate.toString(),
            "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", url("/../secret.txt"));
        assertEquals("403", code);
    }

    @Test
    void errorsAndKeepAlive() throws Exception {
        try (RawHttpsClient http = new RawHttpsClient(client, server.port())) {
            assertEquals(404, http.get("/nothing-here").status());
            assertEquals(200, http.get("/a%20b.txt").status());
            assertEquals("<p>index</p>\n", http.get("/sub/").text());
            assertEquals(0, http.get("/empty.bin").body().length);
            http.send("DELETE /small.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            final RawHttpsClient.Response delete = http.read(false);
            assertEquals(405, delete.status());
            assertEquals("GET, HEAD", delete.header("allow"));
            http.send("HEAD /mid.bin HTTP/1.1\r\nHost: localhost\r\n\r\n");
            final RawHttpsClient.Response head = http.read(true);
            assertEquals(Integer.toString(mid.length), head.header("content-length"));
            // Still the same connection: a last request after all the others.
            assertArrayEquals(mid, http.get("/mid.bin").body());
            http.send("GET /small.txt HTTP/1.1\r\n\r\n");
            assertEquals(400, http.read(false).status(), "HTTP/1.1 without Host");
        }
    }

    @Test
    void clientThatVanishesMidFileLeavesNothingBehindAndTheServerKeepsServing() throws Exception {
        final long cutBefore = server.counters().cutResponses();
        try (RawHttpsClient http = new RawHttpsClient(client, server.port(), 32 * 1024)) {
            http.send("GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n");
            final byte[] some = http.input().readNBytes(256 * 1024);
            assertEquals(256 * 1024, some.length);
            await(() -> server.counters().activeFlows() == 1, "the response runs as a flow");
            http.vanish();
        }
        await(() -> server.counters().cutResponses() == cutBefore + 1, "the response was cut");
        nothingLeftBehind();
        try (RawHttpsClient http = new RawHttpsClient(client, server.port())) {
            assertEquals(sha256(big), sha256(http.get("/big.bin").body()));
        }
    }

    @Test
    void clientThatStopsReadingIsCutAfterTheStallTimeout() throws Exception {
        final long cutBefore = server.counters().cutResponses();
        try (RawHttpsClient http = new RawHttpsClient(client, server.port(), 32 * 1024)) {
            http.send("GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n");
            await(() -> server.counters().activeFlows() == 1, "the response runs as a flow");
            await(() -> server.counters().cutResponses() == cutBefore + 1, "the stalled response was cut");
        }
    }

    private static String url(String path) {
        return "https://localhost:" + server.port() + path;
    }

    private static int liveLeases() {
        return node.usage().toCompletableFuture().join().liveLeases();
    }

    private static void await(BooleanSupplier condition, String what) throws Exception {
        Eventually.assertWithin(Duration.ofSeconds(15), what, condition::getAsBoolean);
    }

    private static byte[] random(int size, long seed) {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static int indexOf(byte[] bytes, byte[] pattern) throws IOException {
        outer:
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IOException("no end of the response head");
    }
}
