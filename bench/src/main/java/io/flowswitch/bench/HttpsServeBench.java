package io.flowswitch.bench;

import io.flowswitch.devices.tls.TlsContexts;
import io.flowswitch.https.HttpsFileServer;
import io.flowswitch.https.SmallFileCalibration;
import io.flowswitch.javadsl.FlowSwitch;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;

/**
 * HTTPS static files, side by side in one process: flowswitch's server ({@code flowswitch serve --https}) and
 * Pekko HTTP's {@code getFromDirectory}, both over TLS 1.3 with the same certificate, serving the same
 * directory, driven by the same load generator (the JDK's HttpClient, HTTP/1.1, keep-alive, N client
 * threads). Per file size and round, each server runs once (alternating which goes first). Every response is
 * checked for status and length, and the first of each size for its SHA-256.
 *
 * <p>flowswitch runs twice: as {@code serve} configures it (small files on the software path below the
 * calibrated threshold, or {@code --small-file SIZE}), and with every response a flow ({@code
 * flowswitch-flows}), so the table shows both what users get and what a flow per request costs.
 *
 * <p>Usage: {@code HttpsServeBench [--sizes 4KiB,1MiB,100MiB] [--runs 5] [--connections 8] [--dir DIR]
 * [--small-file calibrated|SIZE]}.
 * Requests per run: 2000 at 4 KiB, 256 at 1 MiB, 4 at 100 MiB (as many as fit in about 256 MiB, at least 4).
 */
public final class HttpsServeBench {
    private HttpsServeBench() {
    }

    public static void main(String[] args) throws Exception {
        final Map<String, String> options = options(args);
        final List<Long> sizes = new ArrayList<>();
        for (String size : options.getOrDefault("--sizes", "4KiB,1MiB,100MiB").split(",")) {
            sizes.add(Sizes.parse(size));
        }
        final int runs = Integer.parseInt(options.getOrDefault("--runs", "5"));
        final int connections = Integer.parseInt(options.getOrDefault("--connections", "8"));
        final Path base = Path.of(options.getOrDefault("--dir",
            Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : System.getProperty("java.io.tmpdir")));
        final Path dir = Files.createTempDirectory(base, "https-bench");
        final Path site = Files.createDirectories(dir.resolve("site"));
        final Map<Long, String> digests = new LinkedHashMap<>();
        for (long size : sizes) {
            digests.put(size, writeRandom(site.resolve(name(size)), size));
        }
        final TlsContexts.Identity identity = TlsContexts.selfSigned(dir.resolve("tls"));
        final SSLContext trust = TlsContexts.trusting(identity.certificate());
        final ActorSystem<Void> pekko = ActorSystem.create(Behaviors.empty(), "pekko-http-bench");
        try (FlowSwitch node = FlowSwitch.start()) {
            final HttpsFileServer.Settings settings = HttpsFileServer.Settings.of(site, 0, identity.context())
                .withMaxConnections(Math.max(64, connections * 2));
            // As `flowswitch serve --https` does: calibrated where a flow repays its set-up, unless given.
            final String smallFile = options.getOrDefault("--small-file", "calibrated");
            final long threshold;
            if (smallFile.equals("calibrated")) {
                final SmallFileCalibration.Result calibration =
                    SmallFileCalibration.measure(node, identity, settings.chunkBytes(), dir);
                System.out.println("small-file threshold: " + calibration);
                threshold = calibration.thresholdBytes();
            } else {
                threshold = Sizes.parse(smallFile);
                System.out.println("small-file threshold: " + Sizes.format(threshold) + " (given)");
            }
            serve(node, settings.withSmallFileBytes(threshold), settings.withSmallFileBytes(0), pekko, site, identity,
                trust, sizes, digests, runs, connections);
        } finally {
            pekko.terminate();
            pekko.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /**
     * Runs the rounds against three servers: flowswitch as {@code serve} configures it ({@code product}),
     * flowswitch with every response a flow ({@code flowsOnly}: what the architecture costs per request), and
     * Pekko HTTP.
     */
    private static void serve(FlowSwitch node, HttpsFileServer.Settings product, HttpsFileServer.Settings flowsOnly,
        ActorSystem<Void> pekko, Path site, TlsContexts.Identity identity, SSLContext trust, List<Long> sizes,
        Map<Long, String> digests, int runs, int connections) throws Exception {
        try (HttpsFileServer flowswitch = HttpsFileServer.start(node, product);
            HttpsFileServer flows = HttpsFileServer.start(node, flowsOnly)) {
            final ServerBinding binding = Http.get(pekko).newServerAt("127.0.0.1", 0)
                .enableHttps(ConnectionContext.httpsServer(identity.context()))
                .bind(Directives.getFromDirectory(site.toString()))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
            final Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("flowswitch", flowswitch.port());
            ports.put("flowswitch-flows", flows.port());
            ports.put("pekko-http", binding.localAddress().getPort());
            System.out.printf(Locale.ROOT, "HTTPS static files, loopback, TLS 1.3, %d client threads (JDK HttpClient,"
                + " HTTP/1.1), %d rounds, Java %s, %d cores%n", connections, runs, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
            System.out.println("| size | server | GB/s median | min-max | requests/s median | CPU % | other % | flowswitch/pekko |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
            final ExecutorService clients = Executors.newFixedThreadPool(connections);
            try {
                for (long size : sizes) {
                    final int requests = (int) Math.max(4, Math.min(2000, (256L << 20) / size));
                    final Map<String, List<double[]>> results = new LinkedHashMap<>();
                    ports.keySet().forEach(server -> results.put(server, new ArrayList<>()));
                    final Map<String, HttpClient> httpClients = new LinkedHashMap<>();
                    ports.keySet().forEach(server -> httpClients.put(server, HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1).sslContext(trust)
                        .connectTimeout(Duration.ofSeconds(10)).build()));
                    for (Map.Entry<String, Integer> server : ports.entrySet()) {
                        check(httpClients.get(server.getKey()), server.getValue(), size, digests.get(size), server.getKey());
                        run(clients, httpClients.get(server.getKey()), server.getValue(), size, Math.max(connections, requests / 4),
                            connections); // warm-up
                    }
                    final List<String> order = new ArrayList<>(ports.keySet());
                    for (int round = 0; round < runs; round++) {
                        for (String server : order) {
                            System.gc();
                            results.get(server).add(run(clients, httpClients.get(server), ports.get(server), size,
                                requests, connections));
                        }
                        java.util.Collections.reverse(order);
                    }
                    final double pekkoMedian = median(results.get("pekko-http"), 0);
                    for (String server : ports.keySet()) {
                        final List<double[]> r = results.get(server);
                        final double gbps = median(r, 0);
                        System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %.3f-%.3f | %.0f | %.0f | %.0f | %s |%n",
                            Sizes.format(size), server, gbps, min(r, 0), max(r, 0), median(r, 1), median(r, 2),
                            median(r, 3), server.startsWith("flowswitch") ? String.format(Locale.ROOT, "%.2f",
                                gbps / pekkoMedian) : "");
                    }
                    httpClients.values().forEach(client -> {
                        if (client instanceof AutoCloseable closeable) {
                            try {
                                closeable.close();
                            } catch (Exception e) {
                                // Only the bench's own client.
                            }
                        }
                    });
                }
            } finally {
                clients.shutdownNow();
                binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            for (Map.Entry<String, HttpsFileServer> server : Map.of("flowswitch", flowswitch, "flowswitch-flows", flows)
                .entrySet()) {
                System.out.printf(Locale.ROOT, "%s server: %d responses by flows, %d on the software path, %d cut%n",
                    server.getKey(), server.getValue().counters().flowResponses(),
                    server.getValue().counters().softwareResponses(), server.getValue().counters().cutResponses());
            }
        }
    }

    /** Runs {@code requests} GETs over {@code connections} threads: {GB/s, requests/s, CPU %, other %}. */
    private static double[] run(ExecutorService clients, HttpClient client, int port, long size, int requests,
        int connections) throws Exception {
        final URI uri = URI.create("https://localhost:" + port + "/" + name(size));
        final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        final long hostBusy0 = HostCpu.busyNs();
        final long cpu0 = os.getProcessCpuTime();
        final long start = System.nanoTime();
        final List<Future<Long>> done = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            final int share = requests / connections + (c < requests % connections ? 1 : 0);
            done.add(clients.submit((Callable<Long>) () -> {
                final byte[] sink = new byte[1 << 16];
                long bytes = 0;
                for (int i = 0; i < share; i++) {
                    bytes += get(client, uri, size, sink);
                }
                return bytes;
            }));
        }
        long bytes = 0;
        for (Future<Long> future : done) {
            bytes += future.get(10, TimeUnit.MINUTES);
        }
        final long elapsed = System.nanoTime() - start;
        final long cpu = os.getProcessCpuTime() - cpu0;
        final long hostBusy = HostCpu.busyNs() - hostBusy0;
        return new double[] {bytes / (double) elapsed, requests * 1e9 / elapsed, 100.0 * cpu / elapsed,
            Math.max(0, 100.0 * (hostBusy - cpu) / elapsed)};
    }

    private static long get(HttpClient client, URI uri, long size, byte[] sink) throws IOException, InterruptedException {
        final HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        try (InputStream in = response.body()) {
            int n;
            while ((n = in.read(sink)) > 0) {
                bytes += n;
            }
        }
        if (response.statusCode() != 200 || bytes != size) {
            throw new IllegalStateException(uri + ": status " + response.statusCode() + ", " + bytes + " of " + size
                + " bytes");
        }
        return bytes;
    }

    private static void check(HttpClient client, int port, long size, String digest, String server) throws Exception {
        final HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
            URI.create("https://localhost:" + port + "/" + name(size))).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        final String got = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(response.body()));
        if (response.statusCode() != 200 || !got.equals(digest)) {
            throw new IllegalStateException(server + " served " + name(size) + " wrong: status " + response.statusCode()
                + ", sha256 " + got);
        }
    }

    private static String name(long size) {
        return "file-" + size + ".bin";
    }

    private static String writeRandom(Path file, long size) throws Exception {
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        final Random random = new Random(size);
        final byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += block.length) {
                random.nextBytes(block);
                final int n = (int) Math.min(block.length, size - done);
                out.write(block, 0, n);
                digest.update(block, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static double median(List<double[]> rows, int column) {
        return Samples.median(rows.stream().mapToDouble(row -> row[column]).toArray());
    }

    private static double min(List<double[]> rows, int column) {
        return rows.stream().mapToDouble(row -> row[column]).min().orElse(0);
    }

    private static double max(List<double[]> rows, int column) {
        return rows.stream().mapToDouble(row -> row[column]).max().orElse(0);
    }

    private static Map<String, String> options(String[] args) {
        final Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }
}
