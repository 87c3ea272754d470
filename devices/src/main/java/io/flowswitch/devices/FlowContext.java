package io.flowswitch.devices;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.crypto.SecretKey;

/**
 * What a device instance may know about the flow it serves: its id, its chunk size, and the keys the
 * application handed to the flow by name. Key material never appears in parameters or messages.
 */
public final class FlowContext {
    /** Default chunk payload size: 64 KiB. */
    public static final int DEFAULT_CHUNK_BYTES = 64 * 1024;
    /** Smallest chunk we accept: below this per-chunk costs dominate. */
    public static final int MIN_CHUNK_BYTES = 1024;
    /** Largest chunk: the JDK's GCM is slower on calls above 256 KiB, and a chunk is one call. */
    public static final int MAX_CHUNK_BYTES = 1024 * 1024;

    private final long flowId;
    private final int chunkBytes;
    private final Map<String, SecretKey> keys;
    /** Drawn on first use: checking a flow creates a context too, and needs no randomness. */
    private byte[] flowSeed;
    /** What the devices of this flow share with each other, by name; see {@link #shared}. */
    private final ConcurrentHashMap<String, Object> shared = new ConcurrentHashMap<>();

    public FlowContext(long flowId, int chunkBytes, Map<String, SecretKey> keys) {
        if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) {
            throw new DeviceException("BAD_CHUNK_SIZE", "chunk size must be between " + MIN_CHUNK_BYTES + " and "
                + MAX_CHUNK_BYTES + " bytes, got " + chunkBytes);
        }
        this.flowId = flowId;
        this.chunkBytes = chunkBytes;
        this.keys = Map.copyOf(Objects.requireNonNull(keys, "keys"));
    }

    /**
     * Random bytes drawn once per flow and stage: every instance of one stage of one flow (its replicas, an
     * instance that replaces a failed one) gets the same bytes, another stage or another flow different
     * ones. What a nonce salt needs: replicas agree, nothing is ever shared across flows.
     */
    public byte[] salt(String stage, int length) {
        try {
            final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(flowSeed());
            sha256.update(stage.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(sha256.digest(), length);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public long flowId() {
        return flowId;
    }

    /**
     * The object the device instances of this flow share under {@code name}, made by {@code create} on the
     * first ask: how two stages of one flow that work as a pair (a split and its join) find each other. Not
     * shared across flows, since every flow gets its own context. Thread-safe.
     *
     * @throws IllegalStateException when the object under {@code name} is not a {@code type}
     */
    public <T> T shared(String name, Class<T> type, Supplier<T> create) {
        final Object value = shared.computeIfAbsent(name, ignored -> create.get());
        if (!type.isInstance(value)) {
            throw new IllegalStateException("flow " + flowId + " shares '" + name + "' as a "
                + value.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return type.cast(value);
    }

    /** Payload bytes per chunk that sources produce. */
    public int chunkBytes() {
        return chunkBytes;
    }

    /**
     * The key the application registered under {@code name}.
     *
     * @throws DeviceException with code {@code NO_SUCH_KEY} when there is none
     */
    public SecretKey key(String name, String stage) {
        final SecretKey key = keys.get(name);
        if (key == null) {
            throw new DeviceException("NO_SUCH_KEY", stage + ": no key named '" + name + "' was given to the flow");
        }
        return key;
    }

    private synchronized byte[] flowSeed() {
        if (flowSeed == null) {
            flowSeed = new byte[32];
            SeedSource.RANDOM.nextBytes(flowSeed);
        }
        return flowSeed;
    }

    /** Seeded on first use, so validation alone never touches the entropy source. */
    private static final class SeedSource {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
