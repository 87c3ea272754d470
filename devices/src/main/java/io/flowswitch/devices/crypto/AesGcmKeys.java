package io.flowswitch.devices.crypto;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.SecretKey;

/** Parameter and key checks shared by both kinds and the reference; they create nothing. */
final class AesGcmKeys {
    /** Parameter: the name of the flow's key (never the key itself). */
    static final String KEY = "key";
    /** Parameter: the stream salt as 24 hex digits, for tests and for replicas that must share one salt. */
    static final String SALT_HEX = "salt-hex";

    private AesGcmKeys() {
    }


    /** The flow's key named by the {@code key} parameter, checked to be a 32-byte AES key. */
    static SecretKey key(DeviceParams params, FlowContext context) {
        final String name = params.string(KEY);
        final SecretKey key = context.key(name, params.stage());
        requireAes256(key, params.stage() + ": key '" + name + "'");
        return key;
    }

    /**
     * Checks that {@code key} is a raw 32-byte AES key.
     *
     * @param what names the key in the message, e.g. {@code "stage 2 (aes-gcm-encrypt): key 'k1'"}
     * @throws DeviceException with code {@code BAD_KEY}
     */
    static void requireAes256(SecretKey key, String what) {
        if (key == null) {
            throw new DeviceException(AesGcmErrors.BAD_KEY, what + " is missing, but AES-256-GCM needs a 32-byte AES key");
        }
        if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
            throw new DeviceException(AesGcmErrors.BAD_KEY, what + " is a " + key.getAlgorithm()
                + " key, but AES-256-GCM needs a 32-byte AES key");
        }
        final byte[] encoded = key.getEncoded();
        if (encoded == null) {
            throw new DeviceException(AesGcmErrors.BAD_KEY, what
                + " has no raw encoding (a hardware key?), but AES-256-GCM here needs a 32-byte AES key");
        }
        final int length = encoded.length;
        // getEncoded() hands out a copy of the key material: do not leave it lying on the heap.
        Arrays.fill(encoded, (byte) 0);
        if (length != AesGcmFormat.KEY_LENGTH) {
            throw new DeviceException(AesGcmErrors.BAD_KEY, what + " is " + length
                + " bytes long, but AES-256-GCM needs a 32-byte AES key");
        }
    }

    /** The {@code salt-hex} parameter as 12 bytes, or {@code null} when it is absent. */
    static byte[] salt(DeviceParams params) {
        if (!params.has(SALT_HEX)) {
            return null;
        }
        final String text = params.string(SALT_HEX).trim();
        if (text.length() != 2 * AesGcmFormat.SALT_LENGTH) {
            throw params.bad(SALT_HEX, "must be " + 2 * AesGcmFormat.SALT_LENGTH + " hex digits, got "
                + text.length() + " characters");
        }
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw params.bad(SALT_HEX, "must be " + 2 * AesGcmFormat.SALT_LENGTH + " hex digits, got '" + text + "'");
        }
    }
}
