package io.flowswitch.bench;

import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A diagnostic without the cipher ({@code --copy}): the file copied by a one-thread loop
 * ({@code copy-a}) or by a {@code file-source -> file-sink} flow ({@code copy-c}), into a new file. It shows
 * what the I/O and the chain cost on their own, so that the encryption figures can be read against it.
 */
final class CopyVariant implements Variant {
    private final FlowSwitch node;
    private final int chunkBytes;

    /** @param node the node to run the flow on, or {@code null} for the loop */
    CopyVariant(FlowSwitch node, int chunkBytes) {
        this.node = node;
        this.chunkBytes = chunkBytes;
    }

    @Override
    public String name() {
        return node == null ? "copy-a" : "copy-c";
    }

    @Override
    public String description() {
        return node == null
            ? "no cipher: one thread, FileChannel read -> FileChannel write, into a new file"
            : "no cipher: flowswitch file-source -> file-sink, fused ports";
    }

    @Override
    public void prepare(Path out, long inputBytes) throws IOException {
        Files.deleteIfExists(out);
    }

    @Override
    public long run(Path in, Path out) throws Exception {
        if (node == null) {
            copy(in, out);
            return -1;
        }
        final FlowSpec spec = Flows.from(Devices.file(in)).to(Devices.fileSink(out)).chunkBytes(chunkBytes)
            .name("bench-" + name()).build();
        final FlowResult result = node.run(spec).completion().toCompletableFuture().get(10, TimeUnit.MINUTES);
        if (!result.succeeded()) {
            throw new IllegalStateException("flow '" + spec.name() + "' failed: " + result.error(), result.error());
        }
        return result.elapsedNs();
    }

    private void copy(Path in, Path out) throws IOException {
        final ByteBuffer buffer = ByteBuffer.wrap(new byte[chunkBytes]);
        try (FileChannel input = FileChannel.open(in, StandardOpenOption.READ);
             FileChannel output = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (input.read(buffer.clear()) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    output.write(buffer);
                }
            }
        }
    }

    @Override
    public long expectedOutputBytes(long inputBytes) {
        return inputBytes;
    }

    /** The output is the plaintext itself. */
    @Override
    public byte[] decryptedSha256(Path out, Path scratch) throws IOException {
        return Digests.sha256(out);
    }
}
