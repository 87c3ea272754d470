package io.flowswitch.bench;

import io.flowswitch.devices.crypto.AesGcmFormat;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.flow.Transport;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Variant (c): the same work as a flow on a running flowswitch node,
 * {@code file-source -> aes-gcm-encrypt [xN] -> file-sink}, with fused or Aeron IPC ports. The node is
 * started once, outside every timing; a run is timed from {@link FlowSwitch#run} to the flow's result,
 * so it includes leasing, compiling and opening the flow. {@code file-sink} writes a hidden file and
 * renames it, so every run writes a new file. The output is in the flowswitch encrypted format
 * ({@code docs/encrypted-format.md}), whose size is known exactly.
 */
final class FlowswitchVariant implements Variant {
    static final String KEY_NAME = "k";

    private final FlowSwitch node;
    private final byte[] key;
    private final Transport transport;
    private final int replicas;
    private final int chunkBytes;
    private final int portCapacityChunks;
    private FlowResult lastResult;
    private String lastShape;

    /** @param portCapacityChunks capacity of each data port, or 0 for the flow default */
    FlowswitchVariant(FlowSwitch node, byte[] key, Transport transport, int replicas, int chunkBytes,
        int portCapacityChunks) {
        this.node = node;
        this.key = key.clone();
        this.transport = transport;
        this.replicas = replicas;
        this.chunkBytes = chunkBytes;
        this.portCapacityChunks = portCapacityChunks;
    }

    @Override
    public String name() {
        // A replicated chain of a positional source, lane-safe transforms and a positional sink runs as
        // lanes, where no port (so no transport) is involved: the name then only says how many.
        return replicas > 1 ? "c-x" + replicas : "c-" + (transport == Transport.FUSED ? "fused" : "aeron");
    }

    @Override
    public String description() {
        return "flowswitch: file-source -> aes-gcm-encrypt" + (replicas > 1 ? " x" + replicas + " replicas" : "")
            + " -> file-sink, " + (replicas > 1 ? "as the compiler chose" : transport.name().toLowerCase(Locale.ROOT)
            + " ports") + (portCapacityChunks > 0 ? ", " + portCapacityChunks + " chunks per port" : "")
            + (lastShape == null ? "" : " (ran as: " + lastShape + ")");
    }

    @Override
    public String unavailableReason() {
        final List<String> missing = new ArrayList<>();
        for (String kind : List.of("file-source", "aes-gcm-encrypt", "file-sink")) {
            if (node.catalog().find(kind).isEmpty()) {
                missing.add(kind);
            }
        }
        return missing.isEmpty() ? null : "device kind(s) not in this build: " + String.join(", ", missing);
    }

    @Override
    public void prepare(Path out, long inputBytes) throws Exception {
        Files.deleteIfExists(out);
    }

    @Override
    public long run(Path in, Path out) throws Exception {
        final Flows.Builder builder = Flows.from(Devices.file(in))
            .via(Devices.aesGcmEncrypt(KEY_NAME), replicas)
            .to(Devices.fileSink(out))
            .key(KEY_NAME, key)
            .chunkBytes(chunkBytes)
            .transport(transport)
            .name("bench-" + name());
        if (portCapacityChunks > 0) {
            builder.portCapacityChunks(portCapacityChunks);
        }
        final FlowSpec spec = builder.build();
        final FlowHandle handle = node.run(spec);
        final FlowResult result = await(handle, spec);
        final CompiledFlow compiled = handle.running().toCompletableFuture().getNow(null);
        lastShape = compiled == null ? null : String.join("; ", compiled.edges());
        lastResult = result;
        return result.elapsedNs();
    }

    /** Per stage (and replica): milliseconds its device was busy, chunks in and out; then the flow's elapsed time. */
    @Override
    public String lastRunBreakdown() {
        final FlowResult result = lastResult;
        if (result == null) {
            return null;
        }
        final StringBuilder sb = new StringBuilder();
        for (FlowResult.StageReport stage : result.stages()) {
            sb.append(String.format(Locale.ROOT, "%s busy %.0f ms (%d chunks), ", stage.counters().stage(),
                stage.counters().busyNs() / 1e6, Math.max(stage.counters().chunksIn(), stage.counters().chunksOut())));
        }
        return sb.append(String.format(Locale.ROOT, "flow %.0f ms", result.elapsedNs() / 1e6)).toString();
    }

    private static FlowResult await(FlowHandle handle, FlowSpec spec) throws Exception {
        final FlowResult result = handle.completion().toCompletableFuture().get(10, TimeUnit.MINUTES);
        if (!result.succeeded()) {
            throw new IllegalStateException("flow '" + spec.name() + "' failed: " + result.error(), result.error());
        }
        return result;
    }

    /** File header, one record (header, ciphertext, tag) per chunk, and the end record. */
    @Override
    public long expectedOutputBytes(long inputBytes) {
        return AesGcmFormat.encryptedSize(inputBytes, chunkBytes);
    }

    /** Runs {@code file-source -> aes-gcm-decrypt -> file-sink} into {@code scratch} and hashes that. */
    @Override
    public byte[] decryptedSha256(Path out, Path scratch) throws Exception {
        if (node.catalog().find("aes-gcm-decrypt").isEmpty()) {
            return null;
        }
        Files.deleteIfExists(scratch);
        try {
            final FlowSpec spec = Flows.from(Devices.file(out))
                .via(Devices.aesGcmDecrypt(KEY_NAME))
                .to(Devices.fileSink(scratch))
                .key(KEY_NAME, key)
                .chunkBytes(chunkBytes)
                .name("bench-verify-" + name())
                .build();
            await(node.run(spec), spec);
            return Digests.sha256(scratch);
        } finally {
            Files.deleteIfExists(scratch);
        }
    }
}
