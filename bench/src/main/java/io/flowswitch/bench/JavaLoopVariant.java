package io.flowswitch.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import javax.crypto.SecretKey;

/**
 * Baseline (a): the hand-written single-thread loop. {@code FileChannel.read} of one chunk into a heap
 * array, one AES-GCM {@code doFinal} into a second heap array, {@code FileChannel.write} of that; repeat.
 * Either writes a new file every run, like {@code file-sink}, or overwrites a pre-allocated one in place.
 */
final class JavaLoopVariant implements Variant {
    private final SecretKey key;
    private final int chunkBytes;
    private final boolean overwrite;

    JavaLoopVariant(SecretKey key, int chunkBytes, boolean overwrite) {
        this.key = key;
        this.chunkBytes = chunkBytes;
        this.overwrite = overwrite;
    }

    @Override
    public String name() {
        return overwrite ? "a-overwrite" : "a";
    }

    @Override
    public String description() {
        return "one thread: FileChannel read -> Cipher.doFinal (heap arrays) -> FileChannel write, "
            + (overwrite ? "into a pre-allocated file, in place" : "into a new file");
    }

    @Override
    public boolean overwritesOutput() {
        return overwrite;
    }

    @Override
    public void prepare(Path out, long inputBytes) throws IOException {
        if (!overwrite) {
            Files.deleteIfExists(out);
            return;
        }
        final long bytes = expectedOutputBytes(inputBytes);
        if (Files.exists(out) && Files.size(out) == bytes) {
            return;
        }
        // Touch every page once, so that runs only overwrite pages that already exist.
        Files.deleteIfExists(out);
        try (FileChannel channel = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            final ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            long left = bytes;
            while (left > 0) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), left));
                left -= channel.write(zeros);
            }
        }
    }

    @Override
    public long run(Path in, Path out) throws IOException {
        final ChunkCipher cipher = ChunkCipher.encryptor(key);
        final byte[] plain = new byte[chunkBytes];
        final byte[] sealed = new byte[chunkBytes + ChunkCipher.TAG_BYTES];
        final ByteBuffer plainBuffer = ByteBuffer.wrap(plain);
        final ByteBuffer sealedBuffer = ByteBuffer.wrap(sealed);
        final StandardOpenOption[] options = overwrite
            ? new StandardOpenOption[] {StandardOpenOption.WRITE}
            : new StandardOpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE};
        try (FileChannel input = FileChannel.open(in, StandardOpenOption.READ);
             FileChannel output = FileChannel.open(out, options)) {
            while (true) {
                plainBuffer.clear();
                // Fill the whole chunk (a read may return less): only the last chunk is short.
                while (plainBuffer.hasRemaining()) {
                    if (input.read(plainBuffer) < 0) {
                        break;
                    }
                }
                final int length = plainBuffer.position();
                if (length == 0) {
                    break;
                }
                final int sealedLength = cipher.process(plain, 0, length, sealed, 0);
                sealedBuffer.clear().limit(sealedLength);
                while (sealedBuffer.hasRemaining()) {
                    output.write(sealedBuffer);
                }
                if (length < chunkBytes) {
                    break;
                }
            }
        }
        return -1;
    }

    @Override
    public long expectedOutputBytes(long inputBytes) {
        return ChunkCipher.sealedSize(inputBytes, chunkBytes);
    }

    @Override
    public byte[] decryptedSha256(Path out, Path scratch) throws IOException {
        return Digests.decryptedSha256(out, key, chunkBytes);
    }
}
