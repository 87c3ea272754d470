package io.flowswitch.cli.experiment;

import io.flowswitch.cli.SizeParser;
import io.flowswitch.devices.link.SharedPage;
import io.flowswitch.devices.tls.TlsConnection;
import io.flowswitch.devices.tls.TlsContexts;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import io.flowswitch.javadsl.LinkedSocket;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flowswitch experiment crypto-socket}: the paper's section 3 experiment. The same bytes are encrypted
 * with the same devices and sent over loopback TCP three ways: app-mediated (the application asks the crypto
 * device actor per buffer, gets the ciphertext back, writes it itself), linked (the application writes
 * plaintext once into a linked socket; a flow encrypts and sends) and linked with page sharing (the
 * application lends pages it filled from the file; no copy). Record layer: software AES-256-GCM, or the
 * same behind a rate-limited accelerator model. Throughput, CPU per byte and copies per byte (counted),
 * medians over runs; CSV, SVG and a summary.
 */
@Command(name = "crypto-socket",
    header = "Crypto next to a socket: app-mediated vs linked vs linked with page sharing.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    sortOptions = false,
    description = {
        "Sends a file's bytes over loopback TCP, encrypted with AES-256-GCM (the project's stream format), three"
            + " ways: app-mediated (ask the crypto device actor per buffer, copy the ciphertext back, write it),"
            + " linked (write plaintext once; a flow encrypts and sends) and linked+pages (lend pages filled from"
            + " the file; no copy). Per buffer size and record layer (aes-gcm; accelerator = a rate-limited model"
            + " in front of it; tls = TLS 1.3 records from the JDK's SSLEngine, owned by a crypto actor in the"
            + " app-mediated variant, by the flow's tls-sink when linked), every run of a round runs each variant once. Reports throughput, CPU per byte"
            + " (the whole process, receiver included) and copies per byte across the application boundary"
            + " (counted), as medians and min-max; writes CSV, SVG and a summary.",
        "",
        "Every variant's output is checked first: received by a flowswitch flow (tcp-source -> aes-gcm-decrypt ->"
            + " sha256) and compared with the input's digest."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  flowswitch experiment crypto-socket",
        "  flowswitch experiment crypto-socket --sizes 64KiB --runs 15 --layers aes-gcm --out results"})
public final class CryptoSocketExperiment extends Experiment {
    /** Where the experiment gets its node. */
    public interface Nodes {
        FlowSwitch acquire();

        void release(FlowSwitch node);
    }

    enum Variant { APP_MEDIATED, LINKED, LINKED_PAGES;

        String label() {
            return switch (this) {
                case APP_MEDIATED -> "app-mediated";
                case LINKED -> "linked";
                case LINKED_PAGES -> "linked+pages";
            };
        }
    }

    enum Layer { AES_GCM, ACCELERATOR, TLS;

        String label() {
            return switch (this) {
                case AES_GCM -> "aes-gcm";
                case ACCELERATOR -> "accelerator";
                case TLS -> "tls";
            };
        }
    }

    /** One run of one variant. */
    record Sample(Layer layer, int bufferBytes, Variant variant, int run, long plainBytes, long wireBytes,
        long elapsedNs, long cpuNs, long copiedBytes) {
        double gbPerSecond() {
            return plainBytes / (double) elapsedNs;
        }

        double cpuNsPerByte() {
            return cpuNs / (double) plainBytes;
        }

        double copiesPerByte() {
            return copiedBytes / (double) plainBytes;
        }
    }

    /** One batching run. */
    record Batching(int run, long delayNs, int messages, int messageBytes, long records, long wireBytes,
        long elapsedNs, long cpuNs) {
        double messagesPerSecond() {
            return messages * 1e9 / elapsedNs;
        }

        static Table table(List<Batching> rows) {
            final Table table = new Table("run", "batch_delay_ns", "messages", "message_bytes", "records", "wire_bytes",
                "elapsed_ns", "cpu_ns", "messages_per_s");
            for (Batching b : rows) {
                table.row(b.run(), b.delayNs(), b.messages(), b.messageBytes(), b.records(), b.wireBytes(), b.elapsedNs(),
                    b.cpuNs(), Math.rint(b.messagesPerSecond()));
            }
            return table;
        }

        static String summary(List<Batching> rows, int messageBytes, long delayUs) {
            if (rows.isEmpty()) {
                return "";
            }
            final StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "batching: %d-byte writes to a linked aes-gcm socket, unbatched (a record each) vs batched (bound %d us)%n%n",
                messageBytes, delayUs));
            text.append("| mode | messages/s median | min-max | records | wire bytes per message | CPU us per message | x unbatched |\n");
            text.append("| --- | --- | --- | --- | --- | --- | --- |\n");
            double unbatched = 0;
            for (boolean batched : new boolean[] {false, true}) {
                final List<Batching> cell = rows.stream().filter(b -> (b.delayNs() > 0) == batched).toList();
                final List<Double> rates = cell.stream().map(Batching::messagesPerSecond).sorted().toList();
                final double rate = Report.median(rates);
                if (!batched) {
                    unbatched = rate;
                }
                final Batching first = cell.get(0);
                text.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f-%.0f | %d | %.1f | %.2f | %s |%n",
                    batched ? "batched" : "unbatched", rate, rates.get(0), rates.get(rates.size() - 1), first.records(),
                    first.wireBytes() / (double) first.messages(),
                    Report.median(cell.stream().map(b -> b.cpuNs() / 1000.0 / b.messages()).toList()),
                    batched ? String.format(Locale.ROOT, "%.1f", rate / unbatched) : ""));
            }
            return text.append('\n').toString();
        }
    }

    private static final int MIN_BUFFERS = 4096;

    @Option(names = "--sizes", split = ",", paramLabel = "SIZE[,SIZE...]", converter = SizeParser.Converter.class,
        defaultValue = "1KiB,4KiB,16KiB,64KiB,256KiB,1MiB",
        description = "Buffer sizes, 1KiB to 1MiB (records of at most 256KiB; a larger buffer is several). Default: ${DEFAULT-VALUE}.")
    List<Long> sizes;

    @Option(names = "--runs", defaultValue = "10", paramLabel = "N",
        description = "Rounds; each round runs every variant once. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--bytes", defaultValue = "64MiB", paramLabel = "SIZE", converter = SizeParser.Converter.class,
        description = "Plaintext per run at most; small buffers send at most " + MIN_BUFFERS + " buffers."
            + " Default: ${DEFAULT-VALUE}.")
    long maxBytes;

    @Option(names = "--layers", split = ",", defaultValue = "aes-gcm,accelerator,tls", paramLabel = "LAYER[,LAYER]",
        description = "Record layers: aes-gcm, accelerator (a rate-limited model in front of aes-gcm), tls (TLS 1.3"
            + " through the JDK's SSLEngine). Default: ${DEFAULT-VALUE}.")
    List<String> layers;

    @Option(names = "--accelerator-rate", defaultValue = "1GiB", paramLabel = "SIZE", converter = SizeParser.Converter.class,
        description = "The accelerator model's rate, bytes per second. Default: ${DEFAULT-VALUE}.")
    long acceleratorRate;

    @Option(names = "--accelerator-latency-us", defaultValue = "20", paramLabel = "US",
        description = "The accelerator model's delay per buffer. Default: ${DEFAULT-VALUE}.")
    long acceleratorLatencyUs;

    @Option(names = "--staging-chunks", defaultValue = "8", paramLabel = "N",
        description = "Linked variants: buffers the application may have in the flow (staging chunks, pages)."
            + " Default: ${DEFAULT-VALUE}.")
    int stagingChunks;

    @Option(names = "--no-verify", negatable = false, description = "Skip the output check.")
    boolean noVerify;

    @Option(names = "--messages", defaultValue = "20000", paramLabel = "N",
        description = "Batching: small messages per run, sent unbatched and batched (0 skips it). Default: ${DEFAULT-VALUE}.")
    int messages;

    @Option(names = "--message-bytes", defaultValue = "100", paramLabel = "N",
        description = "Batching: bytes per message. Default: ${DEFAULT-VALUE}.")
    int messageBytes;

    @Option(names = "--batch-delay-us", defaultValue = "1000", paramLabel = "US",
        description = "Batching: the latency bound of a batch. Default: ${DEFAULT-VALUE}.")
    long batchDelayUs;

    private final Nodes nodes;

    public CryptoSocketExperiment(Nodes nodes) {
        this.nodes = nodes;
    }

    @Override
    protected void run(ExperimentOutput output) throws Exception {
        if (quick()) {
            sizes = List.of(4L * 1024, 64L * 1024);
            runs = Math.min(runs, 2);
            maxBytes = Math.min(maxBytes, 4L * 1024 * 1024);
            messages = Math.min(messages, 300);
        }
        final List<Integer> bufferSizes = new ArrayList<>();
        for (long size : sizes) {
            if (size < 1024 || size > 1024 * 1024) {
                throw usage("--sizes: " + Sizes.format(size) + " is outside 1KiB..1MiB");
            }
            bufferSizes.add((int) size);
        }
        if (runs < 1 || maxBytes < 1024 * 1024 || acceleratorLatencyUs < 0) {
            throw usage("--runs must be >= 1, --bytes >= 1MiB, --accelerator-latency-us >= 0");
        }
        requireBetween("--staging-chunks", stagingChunks, 1, 1024);
        if (messages < 0 || messageBytes < 1 || messageBytes > 64 * 1024 || batchDelayUs < 1) {
            throw usage("--messages must be >= 0, --message-bytes 1..65536, --batch-delay-us >= 1");
        }
        final List<Layer> chosenLayers = new ArrayList<>();
        for (String layer : layers) {
            chosenLayers.add(switch (layer.trim().toLowerCase(Locale.ROOT)) {
                case "aes-gcm" -> Layer.AES_GCM;
                case "accelerator" -> Layer.ACCELERATOR;
                case "tls" -> Layer.TLS;
                default -> throw usage("--layers: unknown layer '" + layer
                    + "' (aes-gcm, accelerator, tls)");
            });
        }
        final PrintWriter console = output.out();
        final long fileBytes = Math.max(maxBytes, 1024L * 1024 * 4);
        // tmpfs keeps the disk out of the figures.
        final Path dir = work == null && Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : workBase();
        final Path data = Files.createTempFile(dir, "crypto-socket-", ".bin");
        final FlowSwitch node = nodes.acquire();
        final Path tlsDir = Files.createTempDirectory(dir, "crypto-socket-tls-");
        try {
            writeRandom(data, fileBytes);
            final byte[] keyBytes = new byte[32];
            new SecureRandom().nextBytes(keyBytes);
            final SecretKey key = new SecretKeySpec(keyBytes, "AES");
            final TlsContexts.Identity identity = chosenLayers.contains(Layer.TLS) ? TlsContexts.selfSigned(tlsDir) : null;
            final Runner runner = new Runner(node, key, data, acceleratorRate, acceleratorLatencyUs, stagingChunks,
                identity);
            if (!noVerify) {
                for (Layer layer : chosenLayers) {
                    for (Variant variant : Variant.values()) {
                        runner.verify(layer, variant, 64 * 1024, 2L * 1024 * 1024 + 4321);
                    }
                }
                console.println("checked: every variant's stream decrypts to the input (sha256) on " + layers);
            }
            // Warm-up: JIT, the cipher's first slow calls, the dispatchers' threads.
            for (Variant variant : Variant.values()) {
                runner.run(Layer.AES_GCM, variant, 64 * 1024, Math.min(maxBytes, 16L * 1024 * 1024), 0);
                if (chosenLayers.contains(Layer.TLS)) {
                    runner.run(Layer.TLS, variant, 64 * 1024, Math.min(maxBytes, 16L * 1024 * 1024), 0);
                }
            }
            final List<Sample> samples = new ArrayList<>();
            for (Layer layer : chosenLayers) {
                for (int bufferBytes : bufferSizes) {
                    final long bytes = Math.min(Math.min(maxBytes, fileBytes), (long) bufferBytes * MIN_BUFFERS);
                    for (int run = 0; run < runs; run++) {
                        final Map<Variant, Long> wire = new EnumMap<>(Variant.class);
                        for (Variant variant : Variant.values()) {
                            System.gc();
                            final Sample sample = runner.run(layer, variant, bufferBytes, bytes, run);
                            samples.add(sample);
                            wire.put(variant, sample.wireBytes());
                        }
                        if (wire.values().stream().distinct().count() != 1) {
                            throw new IllegalStateException("the variants sent different byte counts for the same input: "
                                + wire);
                        }
                    }
                    console.println(String.format(Locale.ROOT, "%-11s %8s: %s", layer.label(), Sizes.format(bufferBytes),
                        Report.cellLine(samples, layer, bufferBytes)));
                    console.flush();
                }
            }
            final List<Batching> batching = new ArrayList<>();
            for (int run = 0; messages > 0 && run < runs; run++) {
                for (boolean batched : new boolean[] {false, true}) {
                    System.gc();
                    batching.add(runner.batching(run, messages, messageBytes,
                        batched ? TimeUnit.MICROSECONDS.toNanos(batchDelayUs) : 0));
                }
            }
            final String summary = Report.summary(samples, chosenLayers, bufferSizes, runs, acceleratorRate,
                acceleratorLatencyUs) + Batching.summary(batching, messageBytes, batchDelayUs);
            output.csv("crypto-socket", Report.table(samples));
            if (!batching.isEmpty()) {
                output.csv("crypto-socket-batching", Batching.table(batching));
            }
            for (Layer layer : chosenLayers) {
                output.svg("crypto-socket-" + layer.label(), Report.plot(samples, layer, bufferSizes));
            }
            Files.writeString(output.directory().resolve("crypto-socket.txt"), summary, StandardCharsets.UTF_8);
            console.println();
            console.print(summary);
            for (Layer layer : chosenLayers) {
                if (bufferSizes.contains(64 * 1024)) {
                    final double ratio = Report.medianGbps(samples, layer, 64 * 1024, Variant.LINKED)
                        / Report.medianGbps(samples, layer, 64 * 1024, Variant.APP_MEDIATED);
                    output.target(layer.label() + ", 64KiB: linked >= 1.3x app-mediated",
                        String.format(Locale.ROOT, "%.2fx", ratio), ratio >= 1.3);
                }
            }
            console.flush();
        } finally {
            nodes.release(node);
            Files.deleteIfExists(data);
            try (var left = Files.list(tlsDir)) {
                for (Path file : left.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(tlsDir);
        }
    }

    private static void writeRandom(Path file, long bytes) throws IOException {
        final Random random = new Random(42);
        final byte[] block = new byte[1 << 20];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < bytes; done += block.length) {
                random.nextBytes(block);
                final ByteBuffer buffer = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, bytes - done));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        }
    }

    /** Runs one variant once: sends {@code bytes} of the file in {@code bufferBytes} buffers to a receiver. */
    private static final class Runner {
        private final FlowSwitch node;
        private final SecretKey key;
        private final Path data;
        private final long acceleratorRate;
        private final long acceleratorLatencyUs;
        private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        private final int stagingChunks;
        /** The receiver's certificate, for the tls layer; the senders trust it. */
        private final TlsContexts.Identity identity;
        private final SSLContext client;

        Runner(FlowSwitch node, SecretKey key, Path data, long acceleratorRate, long acceleratorLatencyUs,
            int stagingChunks, TlsContexts.Identity identity) {
            this.stagingChunks = stagingChunks;
            this.identity = identity;
            this.client = identity == null ? null : TlsContexts.trusting(identity.certificate());
            this.node = node;
            this.key = key;
            this.data = data;
            this.acceleratorRate = acceleratorRate;
            this.acceleratorLatencyUs = acceleratorLatencyUs;
        }

        List<StageSpec> before(Layer layer) {
            return layer == Layer.ACCELERATOR ? List.of(Devices.rateLimit(acceleratorRate, acceleratorLatencyUs))
                : List.of();
        }

        Sample run(Layer layer, Variant variant, int bufferBytes, long bytes, int run) throws Exception {
            if (layer == Layer.TLS) {
                // Counts plaintext: the handshakes' sizes differ from connection to connection (resumption).
                try (TlsDrainReceiver receiver = new TlsDrainReceiver(identity.context(), false)) {
                    final long[] start = new long[2];
                    final long copied = send(layer, variant, bufferBytes, bytes, receiver.port(), start);
                    final TlsDrainReceiver.Drained drained = receiver.drained().get(120, TimeUnit.SECONDS);
                    final long cpu1 = os.getProcessCpuTime();
                    return new Sample(layer, bufferBytes, variant, run, bytes, drained.bytes(),
                        drained.endNs() - start[0], cpu1 - start[1], copied);
                }
            }
            try (DrainReceiver receiver = new DrainReceiver()) {
                final long[] start = new long[2];
                final long copied = send(layer, variant, bufferBytes, bytes, receiver.port(), start);
                final DrainReceiver.Drained drained = receiver.drained().get(120, TimeUnit.SECONDS);
                final long cpu1 = os.getProcessCpuTime();
                return new Sample(layer, bufferBytes, variant, run, bytes, drained.bytes(), drained.endNs() - start[0],
                    cpu1 - start[1], copied);
            }
        }

        /**
         * {@code messages} writes of {@code messageBytes} to one linked AES-GCM socket, unbatched ({@code
         * delayNs} 0: a record each) or batched under the bound, timed until the receiver has the last byte.
         */
        Batching batching(int run, int messages, int messageBytes, long delayNs) throws Exception {
            try (DrainReceiver receiver = new DrainReceiver();
                LinkedSocket socket = LinkedSocket.aesGcm(node, "127.0.0.1", receiver.port(), key,
                    LinkedSocket.Options.DEFAULT.withBatchDelay(Duration.ofNanos(delayNs)).withStagingChunks(64))) {
                socket.flow().running().toCompletableFuture().get(30, TimeUnit.SECONDS);
                final byte[] message = new byte[messageBytes];
                final long[] start = new long[2];
                startClock(start);
                for (int i = 0; i < messages; i++) {
                    message[0] = (byte) i;
                    socket.write(message, 0, messageBytes);
                }
                finish(socket);
                final DrainReceiver.Drained drained = receiver.drained().get(120, TimeUnit.SECONDS);
                return new Batching(run, delayNs, messages, messageBytes, socket.chunksHandedOver(), drained.bytes(),
                    drained.endNs() - start[0], os.getProcessCpuTime() - start[1]);
            }
        }

        /** Sends through a flowswitch receiver that decrypts and digests, and compares with the input. */
        void verify(Layer layer, Variant variant, int bufferBytes, long bytes) throws Exception {
            if (layer == Layer.TLS) {
                try (TlsDrainReceiver receiver = new TlsDrainReceiver(identity.context(), true)) {
                    send(layer, variant, bufferBytes, bytes, receiver.port(), new long[2]);
                    final String got = receiver.drained().get(60, TimeUnit.SECONDS).sha256();
                    final String expected = sha256(data, bytes);
                    if (!expected.equals(got)) {
                        throw new IllegalStateException(variant.label() + " (tls): received " + got + ", sent "
                            + expected);
                    }
                }
                return;
            }
            final int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            final Path received = Files.createTempFile(data.getParent(), "crypto-socket-check-", ".bin");
            Files.delete(received);
            try {
                final FlowHandle receiver = node.run(Flows.from(Devices.tcpListen(port)).via(Devices.aesGcmDecrypt("k"))
                    .via(Devices.sha256()).to(Devices.fileSink(received)).key("k", key).name("crypto-socket check")
                    .build());
                receiver.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
                send(layer, variant, bufferBytes, bytes, port, new long[2]);
                final FlowResult result = receiver.completion().toCompletableFuture().get(60, TimeUnit.SECONDS);
                if (!result.succeeded()) {
                    throw new IllegalStateException(variant.label() + " (" + layer.label() + "): the receiver failed: "
                        + result.error().getMessage(), result.error());
                }
                final String expected = sha256(data, bytes);
                if (!expected.equals(result.result("sha256"))) {
                    throw new IllegalStateException(variant.label() + " (" + layer.label() + "): received "
                        + result.result("sha256") + ", sent " + expected);
                }
            } finally {
                Files.deleteIfExists(received);
            }
        }

        /**
         * Returns the bytes copied across the application boundary. Set-up (connecting, spawning the actor,
         * opening the flow) happens before {@code start} is taken ([0] wall clock, [1] process CPU): a socket is
         * linked once and then used, as the app-mediated socket is opened once.
         */
        private long send(Layer layer, Variant variant, int bufferBytes, long bytes, int port, long[] start)
            throws Exception {
            try (FileChannel file = FileChannel.open(data)) {
                switch (variant) {
                    case APP_MEDIATED -> {
                        final byte[] buffer = new byte[bufferBytes];
                        if (layer == Layer.TLS) {
                            try (AppMediatedTlsSender sender = new AppMediatedTlsSender(node.system(), client, port,
                                bufferBytes)) {
                                startClock(start);
                                for (long position = 0; position < bytes; ) {
                                    final int n = read(file, buffer, position, (int) Math.min(bufferBytes, bytes - position));
                                    sender.write(buffer, n);
                                    position += n;
                                }
                                sender.finish();
                                return sender.copiedBytes();
                            }
                        }
                        try (AppMediatedSender sender = new AppMediatedSender(node.system(), node.catalog(), port, key,
                            bufferBytes, before(layer))) {
                            startClock(start);
                            for (long position = 0; position < bytes; ) {
                                final int n = read(file, buffer, position, (int) Math.min(bufferBytes, bytes - position));
                                sender.write(buffer, n);
                                position += n;
                            }
                            sender.finish();
                            return sender.copiedBytes();
                        }
                    }
                    case LINKED -> {
                        final byte[] buffer = new byte[bufferBytes];
                        try (Linked linked = link(layer, port, bufferBytes); LinkedSocket socket = linked.socket()) {
                            socket.flow().running().toCompletableFuture().get(30, TimeUnit.SECONDS);
                            startClock(start);
                            for (long position = 0; position < bytes; ) {
                                final int n = read(file, buffer, position, (int) Math.min(bufferBytes, bytes - position));
                                socket.write(buffer, 0, n);
                                position += n;
                            }
                            finish(socket);
                            return socket.copiedBytes();
                        }
                    }
                    case LINKED_PAGES -> {
                        try (Linked linked = link(layer, port, bufferBytes); LinkedSocket socket = linked.socket()) {
                            final SharedPage[] pages = new SharedPage[stagingChunks];
                            for (int i = 0; i < stagingChunks; i++) {
                                pages[i] = socket.newPage();
                            }
                            socket.flow().running().toCompletableFuture().get(30, TimeUnit.SECONDS);
                            startClock(start);
                            int next = 0;
                            for (long position = 0; position < bytes; ) {
                                final SharedPage page = pages[next];
                                next = (next + 1) % stagingChunks;
                                if (!page.awaitReturn(60, TimeUnit.SECONDS)) {
                                    throw new IllegalStateException("a page did not come back within 60 s");
                                }
                                final int n = page.readFrom(file, position, (int) Math.min(page.capacity(), bytes - position));
                                socket.send(page, n);
                                position += n;
                            }
                            finish(socket);
                            return socket.copiedBytes();
                        }
                    }
                    default -> throw new IllegalStateException(variant.toString());
                }
            }
        }

        /** A linked socket of {@code layer} to {@code port}, and the TLS connection it uses, if any (handshake done). */
        private record Linked(LinkedSocket socket, TlsConnection connection) implements AutoCloseable {
            @Override
            public void close() {
                if (connection != null) {
                    AppMediatedTlsSender.awaitPeerClose(connection.socket());
                    connection.close();
                }
            }
        }

        private Linked link(Layer layer, int port, int bufferBytes) throws IOException {
            if (layer != Layer.TLS) {
                return new Linked(LinkedSocket.aesGcm(node, "127.0.0.1", port, key, options(layer, bufferBytes)), null);
            }
            final TlsConnection connection = TlsConnection.client(
                new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port), client, "localhost");
            try {
                connection.handshake();
                return new Linked(LinkedSocket.tls(node, connection, options(layer, bufferBytes)), connection);
            } catch (RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        private void startClock(long[] start) {
            start[0] = System.nanoTime();
            start[1] = os.getProcessCpuTime();
        }

        private LinkedSocket.Options options(Layer layer, int bufferBytes) {
            return LinkedSocket.Options.DEFAULT.withChunkBytes(Math.min(bufferBytes, LinkedSocket.MAX_RECORD_BYTES))
                .withBefore(before(layer))
                .withStagingChunks(stagingChunks);
        }

        private static void finish(LinkedSocket socket) throws Exception {
            final FlowResult result = socket.finish(Duration.ofSeconds(120));
            if (!result.succeeded()) {
                throw new IllegalStateException("the linked socket's flow failed: " + result.error().getMessage(),
                    result.error());
            }
        }

        private static int read(FileChannel file, byte[] buffer, long position, int length) throws IOException {
            final ByteBuffer view = ByteBuffer.wrap(buffer, 0, length);
            while (view.hasRemaining()) {
                if (file.read(view, position + view.position()) < 0) {
                    throw new IOException("the input file ended early");
                }
            }
            return length;
        }

        private static String sha256(Path file, long bytes) throws Exception {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            final byte[] buffer = new byte[1 << 16];
            try (FileChannel channel = FileChannel.open(file)) {
                for (long position = 0; position < bytes; ) {
                    final int n = read(channel, buffer, position, (int) Math.min(buffer.length, bytes - position));
                    digest.update(buffer, 0, n);
                    position += n;
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /** Sizes as labels, as the command line writes them. */
    static final class Sizes {
        private Sizes() {
        }

        static String format(long bytes) {
            if (bytes % (1024 * 1024) == 0) {
                return bytes / (1024 * 1024) + "MiB";
            }
            if (bytes % 1024 == 0) {
                return bytes / 1024 + "KiB";
            }
            return Long.toString(bytes);
        }
    }

    /** Medians and ranges per cell, and the files. */
    static final class Report {
        private Report() {
        }

        static List<Sample> cell(List<Sample> samples, Layer layer, int bufferBytes, Variant variant) {
            return samples.stream().filter(s -> s.layer() == layer && s.bufferBytes() == bufferBytes
                && s.variant() == variant).toList();
        }

        static double median(List<Double> values) {
            final List<Double> sorted = values.stream().sorted().toList();
            final int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        static double medianGbps(List<Sample> samples, Layer layer, int bufferBytes, Variant variant) {
            return median(cell(samples, layer, bufferBytes, variant).stream().map(Sample::gbPerSecond).toList());
        }

        static String cellLine(List<Sample> samples, Layer layer, int bufferBytes) {
            final StringBuilder line = new StringBuilder();
            for (Variant variant : Variant.values()) {
                line.append(String.format(Locale.ROOT, "%s %.2f GB/s  ", variant.label(),
                    medianGbps(samples, layer, bufferBytes, variant)));
            }
            final double app = medianGbps(samples, layer, bufferBytes, Variant.APP_MEDIATED);
            line.append(String.format(Locale.ROOT, "linked/app %.2f  pages/app %.2f",
                medianGbps(samples, layer, bufferBytes, Variant.LINKED) / app,
                medianGbps(samples, layer, bufferBytes, Variant.LINKED_PAGES) / app));
            return line.toString();
        }

        static String summary(List<Sample> samples, List<Layer> layers, List<Integer> sizes, int runs,
            long acceleratorRate, long acceleratorLatencyUs) {
            final StringBuilder text = new StringBuilder();
            text.append("crypto-socket: AES-256-GCM stream format (aes-gcm, accelerator) and TLS 1.3 (tls) over loopback TCP, ")
                .append(runs)
                .append(" rounds, medians (min-max); CPU is the whole process's per plaintext byte;")
                .append(" copies are bytes copied across the application boundary per plaintext byte.\n");
            text.append("accelerator = rate-limit ").append(Sizes.format(acceleratorRate)).append("/s, ")
                .append(acceleratorLatencyUs).append(" us per buffer, in front of the same cipher.\n");
            text.append("Java ").append(System.getProperty("java.version")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores\n\n");
            for (Layer layer : layers) {
                text.append("| layer | buffer | variant | GB/s median | min-max | CPU ns/B | copies/B | x app-mediated |\n");
                text.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
                for (int size : sizes) {
                    final double app = medianGbps(samples, layer, size, Variant.APP_MEDIATED);
                    for (Variant variant : Variant.values()) {
                        final List<Sample> cell = cell(samples, layer, size, variant);
                        final List<Double> rates = cell.stream().map(Sample::gbPerSecond).sorted().toList();
                        final double rate = median(rates);
                        text.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f-%.2f | %.2f | %.2f | %s |%n",
                            layer.label(), Sizes.format(size), variant.label(), rate, rates.get(0),
                            rates.get(rates.size() - 1), median(cell.stream().map(Sample::cpuNsPerByte).toList()),
                            median(cell.stream().map(Sample::copiesPerByte).toList()),
                            variant == Variant.APP_MEDIATED ? "" : String.format(Locale.ROOT, "%.2f", rate / app)));
                    }
                }
                text.append('\n');
                if (sizes.contains(64 * 1024)) {
                    final double ratio = medianGbps(samples, layer, 64 * 1024, Variant.LINKED)
                        / medianGbps(samples, layer, 64 * 1024, Variant.APP_MEDIATED);
                    text.append(String.format(Locale.ROOT, "target (%s, 64KiB): linked >= 1.3x app-mediated: %.2fx, %s%n%n",
                        layer.label(), ratio, ratio >= 1.3 ? "met" : "missed"));
                }
            }
            return text.toString();
        }

        static Table table(List<Sample> samples) {
            final Table table = new Table("layer", "buffer_bytes", "variant", "run", "plain_bytes", "wire_bytes",
                "elapsed_ns", "cpu_ns", "copied_bytes", "gb_per_s", "cpu_ns_per_byte", "copies_per_byte");
            for (Sample s : samples) {
                table.row(s.layer().label(), s.bufferBytes(), s.variant().label(), s.run(), s.plainBytes(), s.wireBytes(),
                    s.elapsedNs(), s.cpuNs(), s.copiedBytes(), s.gbPerSecond(), s.cpuNsPerByte(), s.copiesPerByte());
            }
            return table;
        }

        /** Median GB/s against buffer size (log scale), a line per variant. */
        static SvgPlot plot(List<Sample> samples, Layer layer, List<Integer> sizes) {
            final List<Integer> sorted = sizes.stream().sorted().toList();
            final double[] xs = sorted.stream().mapToDouble(Integer::doubleValue).toArray();
            final SvgPlot plot = SvgPlot.lines("crypto-socket, " + layer.label() + ": throughput by buffer size",
                "buffer size", "GB/s (median)").logX().xTickFormat(x -> Sizes.format(Math.round(x)));
            for (Variant variant : Variant.values()) {
                plot.series(variant.label(), xs,
                    sorted.stream().mapToDouble(size -> medianGbps(samples, layer, size, variant)).toArray());
            }
            return plot;
        }
    }
}
