package io.flowswitch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.testkit.TestThreads;
import io.flowswitch.devices.tls.TlsContexts;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    private static Cli.SharedNode node;

    /** Blocking peers run on threads of their own, never on the common pool. */
    @RegisterExtension
    final TestThreads peers = new TestThreads("serve-command");

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
    void servesAFileWithASelfSignedCertificateMadeOnFirstUseThenStops() throws Exception {
        final Path root = Files.createDirectories(dir.resolve("site"));
        final byte[] data = new byte[300_000];
        new java.util.Random(5).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        final Path tls = dir.resolve("tls");
        final java.io.PipedWriter pipe = new java.io.PipedWriter();
        final java.io.PipedReader lines = new java.io.PipedReader(pipe, 1 << 16);
        final java.io.StringWriter err = new java.io.StringWriter();
        final CompletableFuture<Integer> exit = peers.supply(() -> FlowswitchCommand.execute(
            NodeProvider.shared(node.node()), new java.io.PrintWriter(pipe, true), new java.io.PrintWriter(err),
            "serve", "--https", "--root", root.toString(), "--port", "0", "--tls-dir", tls.toString(),
            "--requests", "1"));
        final java.io.BufferedReader reader = new java.io.BufferedReader(lines);
        final String banner = reader.readLine();
        final Matcher port = Pattern.compile("https://localhost:(\\d+)/").matcher(banner);
        assertTrue(port.find(), banner);
        final String threshold = reader.readLine();
        assertTrue(threshold.startsWith("small files (software path) below ") && threshold.endsWith(", calibrated"),
            threshold);
        assertTrue(Files.exists(tls.resolve(TlsContexts.CERTIFICATE_FILE)), "the certificate for clients");

        try (SSLSocket socket = (SSLSocket) trusting(tls.resolve(TlsContexts.CERTIFICATE_FILE)).getSocketFactory()
            .createSocket("localhost", Integer.parseInt(port.group(1)))) {
            final OutputStream out = socket.getOutputStream();
            out.write("GET /data.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            final byte[] response = in.readAllBytes();
            final String text = new String(response, StandardCharsets.ISO_8859_1);
            final int body = text.indexOf("\r\n\r\n") + 4;
            assertTrue(text.startsWith("HTTP/1.1 200 OK"), text.substring(0, Math.min(200, text.length())));
            assertArrayEquals(data, java.util.Arrays.copyOfRange(response, body, response.length));
        }
        assertEquals(ExitCodes.DONE, exit.get(20, TimeUnit.SECONDS), err::toString);
    }

    @Test
    void withoutHttpsOrRootItIsAUsageError() {
        final Cli.Outcome noHttps = Cli.run(Cli.NO_NODE, "serve", "--root", dir.toString());
        assertTrue(noHttps.assertError(ExitCodes.USAGE).contains("--https"), noHttps::toString);
        final Cli.Outcome noDir = Cli.run(Cli.NO_NODE, "serve", "--https", "--root", dir.resolve("nope").toString());
        assertTrue(noDir.assertError(ExitCodes.USAGE).contains("is not a directory"), noDir::toString);
        final Cli.Outcome halfPem = Cli.run(Cli.NO_NODE, "serve", "--https", "--root", dir.toString(), "--cert", "x.pem");
        assertTrue(halfPem.assertError(ExitCodes.USAGE).contains("--key"), halfPem::toString);
    }

    @Test
    void aCertificateFileWithoutAKeyIsNamed() throws Exception {
        final Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        final Cli.Outcome outcome = Cli.run(Cli.NO_NODE, "serve", "--https", "--root", dir.toString(), "--cert",
            cert.toString(), "--key", cert.toString());
        assertTrue(outcome.assertError(ExitCodes.USAGE).contains("holds no PEM certificate"), outcome::toString);
    }

    private static SSLContext trusting(Path pem) throws Exception {
        final X509Certificate certificate;
        try (InputStream in = Files.newInputStream(pem)) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        final SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
