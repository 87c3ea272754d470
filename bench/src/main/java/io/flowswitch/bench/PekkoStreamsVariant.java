package io.flowswitch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.util.ByteString;

/**
 * Baseline (b): what one would write with Pekko Streams and no further thought.
 * {@code FileIO.fromPath(in, chunk) -> map(encrypt ByteString) -> FileIO.toPath(out)}, default
 * dispatchers and buffers, one {@code ByteString} in and one out per chunk. Writes the same bytes as (a).
 */
final class PekkoStreamsVariant implements Variant {
    private final Materializer materializer;
    private final SecretKey key;
    private final int chunkBytes;

    PekkoStreamsVariant(Materializer materializer, SecretKey key, int chunkBytes) {
        this.materializer = materializer;
        this.key = key;
        this.chunkBytes = chunkBytes;
    }

    @Override
    public String name() {
        return "b";
    }

    @Override
    public String description() {
        return "Pekko Streams: FileIO.fromPath -> map(encrypt ByteString) -> FileIO.toPath, into a new file";
    }

    @Override
    public void prepare(Path out, long inputBytes) throws Exception {
        Files.deleteIfExists(out);
    }

    @Override
    public long run(Path in, Path out) throws Exception {
        final ChunkCipher cipher = ChunkCipher.encryptor(key);
        final IOResult written = FileIO.fromPath(in, chunkBytes)
            .map(plain -> {
                final byte[] input = plain.toArray();
                final byte[] sealed = new byte[input.length + ChunkCipher.TAG_BYTES];
                cipher.process(input, 0, input.length, sealed, 0);
                return ByteString.fromArrayUnsafe(sealed);
            })
            .toMat(FileIO.toPath(out), Keep.right())
            .run(materializer)
            .toCompletableFuture()
            .get(10, TimeUnit.MINUTES);
        if (written.count() != expectedOutputBytes(Files.size(in))) {
            throw new IllegalStateException("FileIO.toPath wrote " + written.count() + " bytes");
        }
        return -1;
    }

    @Override
    public long expectedOutputBytes(long inputBytes) {
        return ChunkCipher.sealedSize(inputBytes, chunkBytes);
    }

    @Override
    public byte[] decryptedSha256(Path out, Path scratch) throws Exception {
        return Digests.decryptedSha256(out, key, chunkBytes);
    }
}
