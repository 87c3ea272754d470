package io.flowswitch.devices.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The AES-256-GCM calls of one device: one JDK {@link Cipher}, the stream's salt, and a reused nonce
 * array. What a record still allocates is the JDK's: one {@link GCMParameterSpec} (immutable, and it
 * copies the nonce), and inside {@link Cipher#init} a copy of the key bytes and the GCM engine objects.
 *
 * <p>A record is sealed with {@link #startSeal}, {@link #aad} (any number of times) and
 * {@link #finishSeal}, and opened with {@link #startOpen}, {@link #aad} and {@link #finishOpen}. The arrays
 * passed in belong to the caller and are only read or written during the call. One thread at a time.
 */
final class RecordCipher {
    private final String where;
    private final SecretKey key;
    private final Cipher cipher;
    private final byte[] salt = new byte[AesGcmFormat.SALT_LENGTH];
    private final byte[] nonce = new byte[AesGcmFormat.NONCE_LENGTH];
    private long sequence;
    private boolean sealedBefore;
    private long lastSealedSequence;
    private boolean lastSealedEnd;

    /**
     * @param where names the device in error messages
     * @param key   a checked 32-byte AES key
     */
    RecordCipher(String where, SecretKey key) {
        this.where = where;
        this.key = key;
        AesGcmWarmUp.ensureWarm();
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw AesGcmErrors.cipherFailed(where, 0, e);
        }
    }

    /** Sets the stream's salt (copied). */
    RecordCipher salt(byte[] value) {
        System.arraycopy(value, 0, salt, 0, AesGcmFormat.SALT_LENGTH);
        return this;
    }

    /** Starts sealing record {@code sequence}: the nonce is derived from it, its kind and the salt. */
    void startSeal(long sequence, boolean endRecord) {
        this.sequence = sequence;
        AesGcmFormat.nonce(salt, sequence, endRecord, nonce);
        try {
            if (sealedBefore && sequence == lastSealedSequence && endRecord == lastSealedEnd) {
                // A re-issued record: same sequence, same nonce. The JDK refuses to encrypt twice in a row
                // under one key and nonce (a guard against nonce reuse with different plaintext); the format
                // wants exactly that here, so that the re-issued record comes out identical. Initialising
                // once with another nonce, used for nothing, resets the JDK's memory of the last nonce.
                nonce[0] ^= 1;
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(AesGcmFormat.TAG_BITS, nonce));
                nonce[0] ^= 1;
            }
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(AesGcmFormat.TAG_BITS, nonce));
        } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
            throw AesGcmErrors.cipherFailed(where, sequence, e);
        }
        sealedBefore = true;
        lastSealedSequence = sequence;
        lastSealedEnd = endRecord;
    }

    /**
     * Starts opening record {@code sequence}: the nonce comes from the sequence the caller expects and
     * the kind the record header claims (a false claim fails authentication like any other change).
     */
    void startOpen(long sequence, boolean endRecord) {
        this.sequence = sequence;
        AesGcmFormat.nonce(salt, sequence, endRecord, nonce);
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(AesGcmFormat.TAG_BITS, nonce));
        } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
            throw AesGcmErrors.cipherFailed(where, sequence, e);
        }
    }

    /** Adds associated data; all of it must come before {@link #finishSeal} or {@link #finishOpen}. */
    void aad(byte[] array, int offset, int length) {
        cipher.updateAAD(array, offset, length);
    }

    /**
     * Encrypts {@code array[offset, offset + length)} in place and writes the tag after it.
     *
     * @return {@code length} plus the tag length
     */
    int finishSeal(byte[] array, int offset, int length) {
        try {
            return cipher.doFinal(array, offset, length, array, offset);
        } catch (GeneralSecurityException e) {
            throw AesGcmErrors.cipherFailed(where, sequence, e);
        }
    }

    /**
     * Verifies and decrypts {@code in[inOffset, inOffset + sealedLength)} (ciphertext then tag) into
     * {@code out} at {@code outOffset}, a different array. The JDK decrypts while it computes the tag and
     * zeroes what it wrote when the tag does not verify, so the caller must not hand {@code out} on before
     * this returns normally.
     *
     * @return the plaintext length
     * @throws AEADBadTagException when the tag does not verify
     */
    int finishOpen(byte[] in, int inOffset, int sealedLength, byte[] out, int outOffset) throws AEADBadTagException {
        try {
            return cipher.doFinal(in, inOffset, sealedLength, out, outOffset);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw AesGcmErrors.cipherFailed(where, sequence, e);
        }
    }
}
