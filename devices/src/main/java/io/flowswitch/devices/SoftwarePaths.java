package io.flowswitch.devices;

import io.flowswitch.devices.accel.RateLimitKind;
import io.flowswitch.devices.crypto.AesGcmDecryptKind;
import io.flowswitch.devices.crypto.AesGcmEncryptKind;
import io.flowswitch.devices.crypto.AesGcmSoftwareDecrypt;
import io.flowswitch.devices.crypto.AesGcmSoftwareEncrypt;
import io.flowswitch.devices.digest.Crc32cKind;
import io.flowswitch.devices.digest.Sha256Kind;
import io.flowswitch.devices.digest.SoftwareTap;
import io.flowswitch.devices.chunk.Chunk;

/**
 * The software path of each transform kind: what the exception ladder's step 4 ({@code fallback software})
 * runs instead of the failed device. Kinds whose function is {@code aes-256-gcm} encryption get {@link
 * AesGcmSoftwareEncrypt} (byte-identical records, by other code); {@code aes-gcm-decrypt} gets {@link
 * AesGcmSoftwareDecrypt} (the same chunks, by other code); the digest taps {@link SoftwareTap};
 * {@code rate-limit}, a model of an accelerator, the identity it models. gzip and gunzip are plain Java
 * already: their software path is a fresh instance of the kind itself (separate stream code would cut the
 * same bytes into other chunks, which the ladder's de-duplication by sequence number cannot take), and a
 * receipt says {@code software} for it. Stateless.
 */
public final class SoftwarePaths {
    private SoftwarePaths() {
    }

    /** Whether {@code kind} has a software path a transform stage can fall back to. */
    public static boolean has(DeviceKind kind) {
        return kind.role() == DeviceRole.TRANSFORM && kind.capabilities().getHasSoftwarePath();
    }

    /**
     * Whether the software path is separate code from the device (rather than a fresh instance of it).
     */
    public static boolean separate(DeviceKind kind) {
        return aesGcmEncrypt(kind) || kind.name().equals(AesGcmDecryptKind.NAME) || kind.name().equals(Sha256Kind.NAME) || kind.name().equals(Crc32cKind.NAME)
            || kind.name().equals(RateLimitKind.NAME);
    }

    /**
     * Creates the software path for one stage; the caller owns it.
     *
     * @throws DeviceException {@code NO_SOFTWARE_PATH} when the kind has none
     */
    public static TransformDevice create(DeviceKind kind, DeviceParams params, FlowContext context) {
        if (!has(kind)) {
            throw new DeviceException("NO_SOFTWARE_PATH", params.stage() + ": device '" + kind.name()
                + "' has no software path");
        }
        if (aesGcmEncrypt(kind)) {
            return AesGcmSoftwareEncrypt.create(params, context);
        }
        if (kind.name().equals(AesGcmDecryptKind.NAME)) {
            return AesGcmSoftwareDecrypt.create(params, context);
        }
        if (kind.name().equals(Sha256Kind.NAME) || kind.name().equals(Crc32cKind.NAME)) {
            return new SoftwareTap(kind.name());
        }
        if (kind.name().equals(RateLimitKind.NAME)) {
            return new Identity();
        }
        return (TransformDevice) kind.create(params, context);
    }

    /**
     * Whether instances of {@code kind} pass every byte on unchanged (the digest taps, the modelled
     * accelerator), so that their output can be checked against their input.
     */
    public static boolean identity(DeviceKind kind) {
        return kind.name().equals(Sha256Kind.NAME) || kind.name().equals(Crc32cKind.NAME)
            || kind.name().equals(RateLimitKind.NAME);
    }

    private static boolean aesGcmEncrypt(DeviceKind kind) {
        return kind.name().equals(AesGcmEncryptKind.NAME)
            || kind.capabilities().getFunctionsList().contains("aes-256-gcm")
                && kind.capabilities().getFunctionsList().contains("encrypt");
    }

    /** Passes every chunk on as it is. */
    private static final class Identity extends InPlaceTransform {
        @Override
        protected void process(Chunk chunk) {
        }
    }
}
