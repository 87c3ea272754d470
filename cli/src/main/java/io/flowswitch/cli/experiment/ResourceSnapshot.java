package io.flowswitch.cli.experiment;

import io.flowswitch.devices.port.IpcStreamPool;
import io.flowswitch.javadsl.FlowSwitch;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a node holds at one moment that a flow could leak: live threads, direct and mapped buffers, open file
 * descriptors, Aeron log buffers (one per live publication or image), the node's pooled Aeron streams (idle ones
 * are kept on purpose; leased ones belong to running flows) and leases in the node's ledger. Immutable.
 *
 * @param openFileDescriptors -1 where the JVM cannot say (not a Unix)
 */
record ResourceSnapshot(int threads, long directBuffers, long directBytes, long mappedBuffers,
    long openFileDescriptors, long aeronLogBuffers, int idleAeronStreams, int leasedAeronStreams, int liveLeases) {

    /** Takes a snapshot after a garbage collection, so that buffers nobody holds are not counted. */
    static ResourceSnapshot take(FlowSwitch node) throws Exception {
        System.gc();
        long directBuffers = 0;
        long directBytes = 0;
        long mappedBuffers = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                directBuffers = pool.getCount();
                directBytes = pool.getMemoryUsed();
            } else if (pool.getName().equals("mapped")) {
                mappedBuffers = pool.getCount();
            }
        }
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        final long fds = os instanceof com.sun.management.UnixOperatingSystemMXBean unix
            ? unix.getOpenFileDescriptorCount() : -1;
        final IpcStreamPool.Stats streams = node.ipcStreams();
        return new ResourceSnapshot(ManagementFactory.getThreadMXBean().getThreadCount(), directBuffers, directBytes,
            mappedBuffers, fds, aeronLogBuffers(Path.of(node.aeronDirectoryName())), streams.idleStreams(),
            streams.leasedStreams(),
            node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).liveLeases());
    }

    private static long aeronLogBuffers(Path aeronDir) throws IOException {
        long count = 0;
        for (String dir : List.of("publications", "images")) {
            final Path logs = aeronDir.resolve(dir);
            if (Files.isDirectory(logs)) {
                try (Stream<Path> files = Files.list(logs)) {
                    count += files.count();
                }
            }
        }
        return count;
    }

    /**
     * What this snapshot holds beyond {@code baseline}, one sentence per resource; empty when every count is
     * at or below it (a thread pool that shrank is not a leak).
     */
    List<String> excessOver(ResourceSnapshot baseline) {
        final List<String> excess = new ArrayList<>();
        over(excess, "threads", threads, baseline.threads);
        over(excess, "direct buffers", directBuffers, baseline.directBuffers);
        over(excess, "mapped buffers", mappedBuffers, baseline.mappedBuffers);
        if (openFileDescriptors >= 0 && baseline.openFileDescriptors >= 0) {
            over(excess, "open file descriptors", openFileDescriptors, baseline.openFileDescriptors);
        }
        over(excess, "Aeron log buffers (streams)", aeronLogBuffers, baseline.aeronLogBuffers);
        over(excess, "idle pooled Aeron streams", idleAeronStreams, baseline.idleAeronStreams);
        over(excess, "leased Aeron streams", leasedAeronStreams, 0);
        over(excess, "leases", liveLeases, 0);
        return excess;
    }

    private static void over(List<String> excess, String what, long now, long baseline) {
        if (now > baseline) {
            excess.add(what + ": " + now + ", baseline " + baseline);
        }
    }

    String describe() {
        return "threads " + threads + ", direct buffers " + directBuffers + " (" + directBytes + " bytes), mapped buffers "
            + mappedBuffers + ", open file descriptors " + (openFileDescriptors < 0 ? "unknown" : openFileDescriptors)
            + ", Aeron log buffers " + aeronLogBuffers + ", Aeron streams " + idleAeronStreams + " idle "
            + leasedAeronStreams + " leased, leases " + liveLeases;
    }
}
