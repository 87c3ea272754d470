package io.flowswitch.actors;

import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.compress.GzipReference;
import io.flowswitch.devices.testkit.Eventually;
import io.flowswitch.javadsl.FlowSwitch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The fixture of the tests that take a gzip stage off its instance: a node with two gzip instances (one to
 * fail, one to redirect to), random input of a little over ten chunks and what gzip must make of it.
 */
final class TwoGzipInstances implements AutoCloseable {
    static final int CHUNK = 4096;

    final byte[] plain;
    final byte[] gzipped;
    final FlowSwitch node;

    TwoGzipInstances(long seed, int bytesPastTenChunks) throws IOException {
        plain = new byte[CHUNK * 10 + bytesPastTenChunks];
        new Random(seed).nextBytes(plain);
        final ByteArrayOutputStream gz = new ByteArrayOutputStream();
        GzipReference.compress(new ByteArrayInputStream(plain), gz, 1, CHUNK);
        gzipped = gz.toByteArray();
        node = FlowSwitch.start(ConfigFactory.parseString("flowswitch.node.instances.gzip = 2")
            .withFallback(ConfigFactory.load()), DeviceCatalog.builtIn());
    }

    FlowManager.KindUsage gzipUsage() throws Exception {
        return node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).kinds().get("gzip");
    }

    /** gzip's leases once the flows that held them have had up to 5 s to give them back. */
    int gzipLeasesOnceSettled() throws Exception {
        Eventually.waitUntil(Duration.ofSeconds(5), () -> gzipUsage().leases() == 0);
        return gzipUsage().leases();
    }

    @Override
    public void close() {
        node.close();
    }
}
