package io.flowswitch.cli;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.tls.TlsContexts;
import io.flowswitch.https.HttpsFileServer;
import io.flowswitch.https.SmallFileCalibration;
import io.flowswitch.javadsl.FlowSwitch;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flowswitch serve --https}: serves a directory over HTTPS, each response a flow file -> TLS -> socket. */
@Command(name = "serve",
    header = "Serve a directory over HTTPS; the server only signals, flows move the files.",
    mixinStandardHelpOptions = true,
    versionProvider = FlowswitchCommand.Version.class,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "Serves the files under --root over HTTPS (TLS 1.3, HTTP/1.1 with keep-alive, GET and HEAD, one Range"
            + " per request). The server reads each request and answers it with a flow"
            + " file-region-source -> tls-sink: it never touches a file's bytes itself. Files smaller than"
            + " --small-file (calibrated at start unless given) take the software path (the same devices, no flow).",
        "",
        "Without --cert/--key or --keystore, a self-signed certificate for localhost is made on first use in"
            + " --tls-dir (server.p12, and server.crt for clients: curl --cacert DIR/server.crt)."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.DONE_LINE, ExitCodes.FLOW_FAILED_LINE, ExitCodes.USAGE_LINE},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch serve --https --root site --port 8443",
        "  curl --cacert ~/.flowswitch/tls/server.crt https://localhost:8443/index.html",
        "  flowswitch serve --https --root site --port 8443 --cert server.pem --key key.pem"})
final class ServeCommand implements Callable<Integer> {
    private static final long CLOSE_GRACE_S = 5;

    @Spec
    CommandSpec spec;

    @Option(names = "--https", required = true, description = "Serve HTTPS (the only protocol: required).")
    boolean https;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "The directory to serve.")
    Path root;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8443",
        description = "TCP port; 0 picks a free one (printed). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String bind;

    static final class Identity {
        @ArgGroup(exclusive = false)
        Pem pem;

        @ArgGroup(exclusive = false)
        KeyStore keyStore;
    }

    static final class Pem {
        @Option(names = "--cert", required = true, paramLabel = "FILE",
            description = "PEM certificate chain, the server's certificate first (with --key).")
        Path certificate;

        @Option(names = "--key", required = true, paramLabel = "FILE",
            description = "PEM private key, unencrypted PKCS#8 (BEGIN PRIVATE KEY).")
        Path key;
    }

    static final class KeyStore {
        @Option(names = "--keystore", required = true, paramLabel = "FILE", description = "PKCS#12 key store.")
        Path file;

        @Option(names = "--keystore-password-file", required = true, paramLabel = "FILE",
            description = "File whose first line is the key store's password.")
        Path passwordFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Identity identity;

    @Option(names = "--tls-dir", paramLabel = "DIR",
        description = "Where the self-signed certificate is made and kept. Default: ~/.flowswitch/tls.")
    Path tlsDir;

    @Option(names = "--small-file", paramLabel = "SIZE", converter = SizeParser.Converter.class,
        description = "Responses shorter than this take the software path instead of a flow. Default: calibrated"
            + " at start (about a second): where a flow's measured set-up cost is repaid, and at most where it is"
            + " a tenth of the response's time.")
    Long smallFileBytes;

    @Option(names = "--idle-timeout-ms", paramLabel = "MS", defaultValue = "30000",
        description = "How long a connection may wait for a request. Default: ${DEFAULT-VALUE}.")
    long idleTimeoutMs;

    @Option(names = "--stall-timeout-ms", paramLabel = "MS", defaultValue = "30000",
        description = "How long a response may make no progress (a client that stops reading) before it is"
            + " cut. Default: ${DEFAULT-VALUE}.")
    long stallTimeoutMs;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "64",
        description = "Connections served at once; more are refused. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--requests", paramLabel = "N",
        description = "Stop after answering N requests (for scripts and tests). Default: serve until stopped.")
    Long requests;

    private final FlowswitchCommand command;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private long calibrated;

    ServeCommand(FlowswitchCommand root) {
        this.command = root;
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(root)) {
            throw CliException.usage("--root " + root + " is not a directory");
        }
        if (port < 0 || port > 65_535) {
            throw CliException.usage("--port must be between 0 and 65535, got " + port);
        }
        if (idleTimeoutMs < 1 || stallTimeoutMs < 1 || maxConnections < 1 || (requests != null && requests < 1)) {
            throw CliException.usage("--idle-timeout-ms, --stall-timeout-ms, --max-connections and --requests"
                + " must be at least 1");
        }
        final InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw CliException.usage("--bind " + bind + ": unknown host");
        }
        final TlsContexts.Identity tls;
        final String certificateNote;
        try {
            if (identity != null && identity.pem != null) {
                tls = TlsContexts.pem(identity.pem.certificate, identity.pem.key);
                certificateNote = identity.pem.certificate.toString();
            } else if (identity != null && identity.keyStore != null) {
                tls = TlsContexts.pkcs12(identity.keyStore.file,
                    Files.readAllLines(identity.keyStore.passwordFile, StandardCharsets.UTF_8).stream().findFirst()
                        .orElse(""));
                certificateNote = identity.keyStore.file.toString();
            } else {
                final Path dir = tlsDir != null ? tlsDir : Path.of(System.getProperty("user.home"), ".flowswitch", "tls");
                tls = TlsContexts.selfSigned(dir);
                certificateNote = dir.resolve(TlsContexts.CERTIFICATE_FILE) + " (self-signed)";
            }
        } catch (DeviceException e) {
            throw CliException.usage(e.getMessage());
        } catch (IOException e) {
            throw CliException.usage("cannot read " + identity.keyStore.passwordFile + ": " + e.getMessage());
        }
        HttpsFileServer.Settings settings = HttpsFileServer.Settings.of(root, port, tls.context())
            .withBindAddress(address).withTimeouts(idleTimeoutMs, stallTimeoutMs).withMaxConnections(maxConnections);
        final FlowSwitch node = command.acquireNode();
        final PrintWriter out = spec.commandLine().getOut();
        final String thresholdNote;
        if (smallFileBytes != null) {
            settings = settings.withSmallFileBytes(smallFileBytes);
            thresholdNote = smallFileBytes / 1024 + " KiB (--small-file)";
        } else {
            thresholdNote = calibrate(node, tls, settings.chunkBytes());
            settings = settings.withSmallFileBytes(calibrated);
        }
        try (HttpsFileServer server = startServer(node, settings)) {
            out.println("serving " + server.root() + " at https://" + hostForUrl(address) + ":" + server.port()
                + "/ (TLS 1.3, certificate " + certificateNote + ")");
            out.println("small files (software path) below " + thresholdNote);
            out.flush();
            final Thread hook = new Thread(stopped::countDown, "flowswitch-serve-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                if (requests != null) {
                    server.counters().onFinished(requests, stopped::countDown);
                }
                stopped.await();
                if (requests != null && server.counters().finished() >= requests) {
                    // Let the last clients read their responses before closing resets their connections.
                    server.counters().awaitNoConnections(TimeUnit.SECONDS.toNanos(CLOSE_GRACE_S));
                }
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook ran: that is how we got here.
                }
            }
            out.println("served " + server.counters().requests() + " requests: " + server.counters().flowResponses()
                + " by flows, " + server.counters().softwareResponses() + " on the software path, "
                + server.counters().cutResponses() + " cut short");
            out.flush();
        } finally {
            command.releaseNode(node);
        }
        return ExitCodes.DONE;
    }

    /** Sets {@link #calibrated}; on failure the default, and says why. */
    private String calibrate(FlowSwitch node, TlsContexts.Identity tls, int chunkBytes) {
        try {
            final SmallFileCalibration.Result result = SmallFileCalibration.measure(node, tls, chunkBytes,
                Path.of(System.getProperty("java.io.tmpdir")));
            calibrated = result.thresholdBytes();
            return result + ", calibrated";
        } catch (IOException | RuntimeException e) {
            calibrated = HttpsFileServer.Settings.DEFAULT_SMALL_FILE_BYTES;
            return calibrated / 1024 + " KiB (default: calibration failed: " + e.getMessage() + ")";
        }
    }

    private static HttpsFileServer startServer(FlowSwitch node, HttpsFileServer.Settings settings) {
        try {
            return HttpsFileServer.start(node, settings);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FLOW_FAILED, e.getMessage(), e);
        }
    }

    private static String hostForUrl(InetAddress address) {
        final String text = address.getHostAddress();
        if (address.isLoopbackAddress()) {
            return "localhost";
        }
        return text.indexOf(':') >= 0 ? "[" + text + "]" : text;
    }
}
