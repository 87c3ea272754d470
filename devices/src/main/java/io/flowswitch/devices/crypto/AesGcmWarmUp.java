package io.flowswitch.devices.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Warms the JDK's AES-GCM once per JVM. The JDK's GCM runs slowly for its first ~650 calls, until the
 * JIT has compiled the paths that use the AES and GHASH intrinsics; a device that met that on its first
 * chunks would measure itself (and be scheduled) as a slow device. The warm-up runs on a throwaway key,
 * in the same shape as the devices' calls (associated data, in-place encryption, decryption into another
 * array), the first time any device creates its cipher; later devices pay nothing. Thread-safe: the
 * JVM's class initialisation runs it exactly once.
 */
final class AesGcmWarmUp {
    /** Calls per direction; a little more than the ~650 after which the JDK 17 GCM runs at full speed. */
    static final int CALLS = 700;
    /** Bytes per call: the default chunk size. */
    static final int CALL_BYTES = 64 * 1024;

    private AesGcmWarmUp() {
    }

    /** Runs the warm-up if no one has yet in this JVM; returns how long it took, or -1 if it failed. */
    static long ensureWarm() {
        return Holder.NANOS;
    }

    private static final class Holder {
        static final long NANOS = run();
    }

    private static long run() {
        final long start = System.nanoTime();
        try {
            final SecureRandom random = new SecureRandom();
            final byte[] keyBytes = new byte[AesGcmFormat.KEY_LENGTH];
            random.nextBytes(keyBytes);
            final SecretKeySpec key = new SecretKeySpec(keyBytes, "AES");
            final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            final byte[] aad = new byte[AesGcmFormat.AAD_LENGTH];
            final byte[] salt = new byte[AesGcmFormat.SALT_LENGTH];
            random.nextBytes(salt);
            final byte[] nonce = new byte[AesGcmFormat.NONCE_LENGTH];
            byte[] sealed = new byte[CALL_BYTES + AesGcmFormat.TAG_LENGTH];
            byte[] opened = new byte[CALL_BYTES + AesGcmFormat.TAG_LENGTH];
            for (int i = 0; i < CALLS; i++) {
                AesGcmFormat.nonce(salt, i, false, nonce);
                final GCMParameterSpec spec = new GCMParameterSpec(AesGcmFormat.TAG_BITS, nonce);
                cipher.init(Cipher.ENCRYPT_MODE, key, spec);
                cipher.updateAAD(aad);
                final int sealedLength = cipher.doFinal(sealed, 0, CALL_BYTES, sealed, 0);
                cipher.init(Cipher.DECRYPT_MODE, key, spec);
                cipher.updateAAD(aad);
                cipher.doFinal(sealed, 0, sealedLength, opened, 0);
                // The plaintext is now in 'opened': seal that next, so every call works on real data.
                final byte[] swap = sealed;
                sealed = opened;
                opened = swap;
            }
            return System.nanoTime() - start;
        } catch (GeneralSecurityException e) {
            // Best effort: without a warm-up the devices are only slow at first, not wrong.
            return -1;
        }
    }
}
