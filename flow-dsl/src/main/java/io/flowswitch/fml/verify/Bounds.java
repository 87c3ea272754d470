package io.flowswitch.fml.verify;

import io.flowswitch.devices.FlowContext;

/** The limits the verifier enforces on numbers in a program; the FML reference lists them. */
public final class Bounds {
    public static final long MIN_CHUNK_BYTES = FlowContext.MIN_CHUNK_BYTES;
    public static final long MAX_CHUNK_BYTES = FlowContext.MAX_CHUNK_BYTES;
    public static final int MAX_REPLICAS = 64;
    /** Below 1 KiB/s a 64 KiB chunk takes a minute: surely a mistake in units. */
    public static final long MIN_RATE = 1L << 10;
    public static final long MAX_RATE = 1L << 40;
    public static final int MAX_PRIORITY = 9;
    public static final long MAX_SMALL_REQUEST_THRESHOLD = 64L << 20;
    public static final long MIN_TIMEOUT_NS = 1_000_000L;
    public static final long MAX_TIMEOUT_NS = 3_600_000_000_000L;
    public static final int MAX_RETRIES = 10;
    public static final long MIN_BACKOFF_NS = 1_000_000L;
    public static final long MAX_BACKOFF_NS = 60_000_000_000L;

    private Bounds() {
    }
}
