package io.flowswitch.devices.compress;

/**
 * The CRC-32 (the polynomial of gzip and {@link java.util.zip.CRC32}) of two byte strings put end to end,
 * from their two CRCs and the second's length, as zlib's {@code crc32_combine} computes it: multiplication
 * modulo the polynomial by x^(8 * length). {@link java.util.zip.CRC32} cannot be started at a given value;
 * this lets a compressor go on from a checkpoint's CRC. No allocation; thread-safe.
 */
final class Crc32Combine {
    /** The CRC-32 polynomial, reflected. */
    private static final int POLYNOMIAL = 0xedb88320;
    /** X2N[k] = x^(2^k) modulo the polynomial. */
    private static final int[] X2N = new int[32];

    static {
        int p = 1 << 30; // x^1
        X2N[0] = p;
        for (int k = 1; k < X2N.length; k++) {
            p = multiplyModP(p, p);
            X2N[k] = p;
        }
    }

    private Crc32Combine() {
    }

    /** The CRC-32 of A then B, given {@code crcA}, {@code crcB} and the length of B in bytes (any, >= 0). */
    static int combine(int crcA, int crcB, long lengthB) {
        return multiplyModP(xToThe8n(lengthB), crcA) ^ crcB;
    }

    /** x^(8 n) modulo the polynomial. */
    private static int xToThe8n(long n) {
        int p = 1 << 31; // x^0
        int k = 3;
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multiplyModP(X2N[k & 31], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }

    private static int multiplyModP(int a, int b) {
        int m = 1 << 31;
        int p = 0;
        for (;;) {
            if ((a & m) != 0) {
                p ^= b;
                if ((a & (m - 1)) == 0) {
                    break;
                }
            }
            m >>>= 1;
            b = (b & 1) != 0 ? (b >>> 1) ^ POLYNOMIAL : b >>> 1;
        }
        return p;
    }
}
