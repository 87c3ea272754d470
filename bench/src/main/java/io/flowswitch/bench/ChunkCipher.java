package io.flowswitch.bench;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The baselines' AES-256-GCM: one JDK {@link Cipher} on heap arrays, one call per chunk, the 12-byte
 * nonce taken from a counter that starts at 0 (four zero bytes, then the counter big-endian). Output of a
 * chunk is its ciphertext followed by the 16-byte tag, nothing else, so two baselines given the same key
 * write byte-identical files. Not thread-safe: one per run.
 */
final class ChunkCipher {
    static final int TAG_BYTES = 16;
    private static final int TAG_BITS = TAG_BYTES * 8;

    private final Cipher cipher;
    private final SecretKey key;
    private final int mode;
    private final byte[] nonce = new byte[12];
    private long counter;

    private ChunkCipher(SecretKey key, int mode) {
        this.key = key;
        this.mode = mode;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no AES/GCM/NoPadding: " + e, e);
        }
    }

    static ChunkCipher encryptor(SecretKey key) {
        return new ChunkCipher(key, Cipher.ENCRYPT_MODE);
    }

    static ChunkCipher decryptor(SecretKey key) {
        return new ChunkCipher(key, Cipher.DECRYPT_MODE);
    }

    /**
     * Encrypts (or decrypts and verifies) {@code in[inOffset, inOffset + length)} into {@code out} at
     * {@code outOffset} with the next nonce. The caller keeps both arrays.
     *
     * @return bytes written to {@code out}: {@code length + 16} when encrypting, {@code length - 16} when decrypting
     */
    int process(byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        final long n = counter++;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (n >>> (56 - 8 * i));
        }
        try {
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed on chunk " + n + ": " + e, e);
        }
    }

    /** Bytes a file of {@code plainBytes} becomes when every chunk of {@code chunkBytes} gets a tag. */
    static long sealedSize(long plainBytes, int chunkBytes) {
        final long chunks = (plainBytes + chunkBytes - 1) / chunkBytes;
        return plainBytes + chunks * TAG_BYTES;
    }
}
