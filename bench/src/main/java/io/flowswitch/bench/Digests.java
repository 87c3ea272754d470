package io.flowswitch.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.SecretKey;

/** SHA-256 of files and of the plaintext inside a baseline's output; for checking, never timed. */
final class Digests {
    private static final int READ_BYTES = 1 << 20;

    private Digests() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    static byte[] sha256(Path file) throws IOException {
        final MessageDigest digest = sha256();
        final byte[] array = new byte[READ_BYTES];
        final ByteBuffer buffer = ByteBuffer.wrap(array);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int n;
            while ((n = channel.read(buffer.clear())) >= 0) {
                digest.update(array, 0, n);
            }
        }
        return digest.digest();
    }

    /**
     * Decrypts a file of chunks sealed by {@link ChunkCipher} (each chunk's ciphertext and tag, nonces
     * from 0) and returns the SHA-256 of the plaintext.
     *
     * @throws IllegalStateException when a tag does not verify or the file ends inside a chunk
     */
    static byte[] decryptedSha256(Path file, SecretKey key, int chunkBytes) throws IOException {
        final MessageDigest digest = sha256();
        final ChunkCipher cipher = ChunkCipher.decryptor(key);
        final byte[] sealed = new byte[chunkBytes + ChunkCipher.TAG_BYTES];
        final byte[] plain = new byte[chunkBytes + ChunkCipher.TAG_BYTES];
        final ByteBuffer buffer = ByteBuffer.wrap(sealed);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer) < 0) {
                        break;
                    }
                }
                final int length = buffer.position();
                if (length == 0) {
                    break;
                }
                if (length <= ChunkCipher.TAG_BYTES) {
                    throw new IllegalStateException(file + " ends inside a chunk's tag");
                }
                digest.update(plain, 0, cipher.process(sealed, 0, length, plain, 0));
                if (length < sealed.length) {
                    break;
                }
            }
        }
        return digest.digest();
    }
}
