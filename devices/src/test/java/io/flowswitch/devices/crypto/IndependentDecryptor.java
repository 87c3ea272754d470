package io.flowswitch.devices.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A decryptor and a record writer written from {@code docs/encrypted-format.md} alone: plain javax.crypto
 * over byte arrays, no code from the main source tree. If the devices and this disagree, the document is
 * not precise enough or one of them is wrong.
 */
final class IndependentDecryptor {
    /** Thrown with the failing check's code from the document's table. */
    static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String code;

        Rejected(String code, String message) {
            super(code + ": " + message);
            this.code = code;
        }
    }

    private IndependentDecryptor() {
    }

    static byte[] decrypt(byte[] stream, SecretKey key) {
        final ByteBuffer in = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
        if (stream.length >= 8 && !Arrays.equals(Arrays.copyOf(stream, 8),
            "FLOWSWGC".getBytes(StandardCharsets.US_ASCII))) {
            throw new Rejected("BAD_FORMAT", "magic");
        }
        if (stream.length < 32) {
            throw new Rejected("TRUNCATED", "file header");
        }
        final byte[] fileHeader = Arrays.copyOf(stream, 32);
        if ((in.getShort(8) & 0xFFFF) != 1) {
            throw new Rejected("BAD_FORMAT", "version");
        }
        if (in.getShort(10) != 0 || in.getInt(28) != 0) {
            throw new Rejected("BAD_FORMAT", "flags or reserved");
        }
        final long chunkSize = in.getInt(12) & 0xFFFFFFFFL;
        if (chunkSize < 1 || chunkSize > 1_048_576) {
            throw new Rejected("BAD_FORMAT", "chunk size");
        }
        final byte[] salt = Arrays.copyOfRange(stream, 16, 28);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        long expectedSequence = 0;
        long expectedOffset = 0;
        int position = 32;
        while (true) {
            if (position == stream.length) {
                throw new Rejected("TRUNCATED", "no end record");
            }
            if (stream.length - position < 24) {
                throw new Rejected("TRUNCATED", "record header");
            }
            final byte[] recordHeader = Arrays.copyOfRange(stream, position, position + 24);
            final long sequence = in.getLong(position);
            final long offset = in.getLong(position + 8);
            final long length = in.getInt(position + 16) & 0xFFFFFFFFL;
            final int flags = in.getInt(position + 20);
            // Flags bit 1 is CLEAR_PREFIX; then bits 8 to 31 give how many plaintext bytes are in the clear.
            final long clear = (flags & 2) != 0 ? flags >>> 8 : 0;
            if (clear > length || clear > 64) {
                throw new Rejected("BAD_FORMAT", "clear prefix longer than the record or 64 bytes");
            }
            if (length - clear > chunkSize) {
                throw new Rejected("BAD_FORMAT", "length");
            }
            if (stream.length - position - 24 < length + 16) {
                throw new Rejected("TRUNCATED", "record body");
            }
            final boolean finalFlag = (flags & 1) != 0;
            final byte[] plaintext;
            try {
                final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128,
                    nonce(salt, finalFlag ? 1 : 0, expectedSequence)));
                cipher.updateAAD(fileHeader);
                cipher.updateAAD(recordHeader);
                cipher.updateAAD(stream, position + 24, (int) clear);
                plaintext = cipher.doFinal(stream, position + 24 + (int) clear, (int) (length - clear) + 16);
            } catch (GeneralSecurityException e) {
                throw new Rejected("AUTH_FAILED", "record " + expectedSequence + ": " + e);
            }
            final boolean flagsOk = (flags & 0xFC) == 0 && ((flags & 2) == 0
                ? flags >>> 8 == 0 && (!finalFlag || length == 0)
                : !finalFlag && clear >= 1);
            if (sequence != expectedSequence || offset != expectedOffset || !flagsOk) {
                throw new Rejected("BAD_FORMAT", "inconsistent record header");
            }
            out.write(stream, position + 24, (int) clear);
            out.write(plaintext, 0, plaintext.length);
            position += 24 + (int) length + 16;
            expectedSequence++;
            expectedOffset += length - clear;
            if (finalFlag) {
                if (position != stream.length) {
                    throw new Rejected("BAD_FORMAT", "data after the end record");
                }
                return out.toByteArray();
            }
        }
    }

    /** {@code salt XOR (u32be(kind) || u64be(sequence))}. */
    static byte[] nonce(byte[] salt, int kind, long sequence) {
        final byte[] mask = ByteBuffer.allocate(12).putInt(kind).putLong(sequence).array();
        final byte[] nonce = new byte[12];
        for (int i = 0; i < 12; i++) {
            nonce[i] = (byte) (salt[i] ^ mask[i]);
        }
        return nonce;
    }

    /** A file header as the document lays it out. */
    static byte[] fileHeader(int chunkSize, byte[] salt) {
        return ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
            .put("FLOWSWGC".getBytes(StandardCharsets.US_ASCII)).putShort((short) 1).putShort((short) 0)
            .putInt(chunkSize).put(salt).putInt(0).array();
    }

    /**
     * One record with any header values, sealed correctly under {@code key} with the nonce of
     * {@code nonceSequence} and the given kind: how a broken writer that holds the key would write it.
     */
    static byte[] record(SecretKey key, byte[] fileHeader, long nonceSequence, int kind, long sequence, long offset,
                         byte[] plaintext, int flags) {
        final byte[] header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(sequence)
            .putLong(offset).putInt(plaintext.length).putInt(flags).array();
        try {
            final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128,
                nonce(Arrays.copyOfRange(fileHeader, 16, 28), kind, nonceSequence)));
            cipher.updateAAD(fileHeader);
            cipher.updateAAD(header);
            final byte[] sealed = cipher.doFinal(plaintext);
            final byte[] record = Arrays.copyOf(header, 24 + sealed.length);
            System.arraycopy(sealed, 0, record, 24, sealed.length);
            return record;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A data record whose first {@code clear} plaintext bytes are left in the clear: flags CLEAR_PREFIX
     * (bit 1) with the clear length in bits 8 to 31, AAD = file header, record header, clear bytes.
     */
    static byte[] clearPrefixRecord(SecretKey key, byte[] fileHeader, long sequence, long offset, byte[] plaintext,
                                    int clear) {
        final byte[] header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(sequence)
            .putLong(offset).putInt(plaintext.length).putInt(2 | clear << 8).array();
        try {
            final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128,
                nonce(Arrays.copyOfRange(fileHeader, 16, 28), 0, sequence)));
            cipher.updateAAD(fileHeader);
            cipher.updateAAD(header);
            cipher.updateAAD(plaintext, 0, clear);
            final byte[] sealed = cipher.doFinal(plaintext, clear, plaintext.length - clear);
            final ByteArrayOutputStream record = new ByteArrayOutputStream();
            record.write(header, 0, 24);
            record.write(plaintext, 0, clear);
            record.write(sealed, 0, sealed.length);
            return record.toByteArray();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
