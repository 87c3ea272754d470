package io.flowswitch.bench;

import io.flowswitch.devices.Device;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.devices.DeviceKind;
import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.devices.port.AeronIpcPort;
import io.flowswitch.devices.port.DataPort;
import io.flowswitch.devices.port.QueuePort;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The steady path of one 64 KiB chunk, piece by piece, in one thread: pool, fused port, Aeron IPC port,
 * the built-in transform devices, and the bare JDK calls they wrap. One operation is one chunk, so with
 * {@code -prof gc} the figure {@code gc.alloc.rate.norm} is bytes allocated per chunk (target: under 64).
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 *     -jar bench/target/flowswitch-bench.jar ChunkPath -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
    "-Xms1g", "-Xmx1g"})
public class ChunkPathBenchmark {
    static final int CHUNK_BYTES = FlowContext.DEFAULT_CHUNK_BYTES;
    static final int WARM_CIPHER_CALLS = 2000;

    /** A pool of chunks whose payload areas hold random bytes, and one chunk taken from it. */
    @State(Scope.Thread)
    public static class PoolState {
        ChunkPool pool;

        @Setup(Level.Trial)
        public void setUp() {
            pool = filledPool(16);
        }
    }

    /** A fused port between two stages, with the one chunk that goes round. */
    @State(Scope.Thread)
    public static class QueuePortState {
        ChunkPool pool;
        QueuePort port;
        Chunk chunk;

        @Setup(Level.Trial)
        public void setUp() {
            pool = filledPool(16);
            port = new QueuePort("bench", 8);
            chunk = pool.acquire().payload(Chunk.HEADROOM, CHUNK_BYTES);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            port.close();
        }
    }

    /** An embedded media driver and one Aeron IPC port, as a flow with Aeron transport has per edge. */
    @State(Scope.Thread)
    public static class AeronPortState {
        /** 65536 is the default chunk (two fragments, {@code offer}); 32768 fits one frame ({@code tryClaim}). */
        @Param({"65536", "32768"})
        int chunkBytes;

        MediaDriverNode node;
        AeronIpcPort port;
        ChunkPool pool;
        long sequence;

        @Setup(Level.Trial)
        public void setUp() {
            node = MediaDriverNode.launch();
            port = AeronIpcPort.open(node, 1001, 8, chunkBytes + Chunk.HEADROOM + Chunk.TAILROOM);
            pool = filledPool(16, chunkBytes);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            port.close();
            node.close();
        }
    }

    /** One instance of a built-in transform device, created through the catalog as a flow would. */
    @State(Scope.Thread)
    public static class DeviceState {
        @Param({"aes-gcm-encrypt", "sha256"})
        String kind;

        ChunkPool pool;
        TransformDevice device;
        long sequence;

        @Setup(Level.Trial)
        public void setUp() {
            final DeviceKind deviceKind = DeviceCatalog.builtIn().find(kind).orElseThrow(() ->
                new IllegalStateException("device kind '" + kind + "' is not in this build yet"));
            final byte[] key = new byte[32];
            new SplittableRandom(7).nextBytes(key);
            final FlowContext context = new FlowContext(1, CHUNK_BYTES, Map.of("k", new SecretKeySpec(key, "AES")));
            final DeviceParams params = kind.startsWith("aes-gcm")
                ? DeviceParams.of("bench " + kind, "key", "k")
                : DeviceParams.of("bench " + kind);
            deviceKind.validate(params, context);
            final Device created = deviceKind.create(params, context);
            if (!(created instanceof TransformDevice transform)) {
                created.close();
                throw new IllegalStateException("device kind '" + kind + "' is not a transform");
            }
            device = transform;
            pool = filledPool(16);
            // Same reason as in JdkState: let the JIT finish with the device's path before measuring.
            for (int i = 0; i < WARM_CIPHER_CALLS; i++) {
                process(this);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            device.close();
        }
    }

    /** The bare JDK calls: one AES-GCM {@code doFinal} and one SHA-256 update of a chunk on heap arrays. */
    @State(Scope.Thread)
    public static class JdkState {
        Cipher cipher;
        SecretKeySpec key;
        byte[] nonce = new byte[12];
        long counter;
        byte[] array;
        byte[] other;
        MessageDigest sha256;

        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException {
            final byte[] keyBytes = new byte[32];
            new SplittableRandom(7).nextBytes(keyBytes);
            key = new SecretKeySpec(keyBytes, "AES");
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
            array = new byte[Chunk.HEADROOM + CHUNK_BYTES + Chunk.TAILROOM];
            other = new byte[array.length];
            new SplittableRandom(11).nextBytes(array);
            sha256 = MessageDigest.getInstance("SHA-256");
            // The JDK's GCM is slow until the JIT has compiled its intrinsic paths (~650 calls on JDK 17).
            for (int i = 0; i < WARM_CIPHER_CALLS; i++) {
                nextNonce();
                cipher.doFinal(array, Chunk.HEADROOM, CHUNK_BYTES, other, Chunk.HEADROOM);
            }
        }

        void nextNonce() throws GeneralSecurityException {
            final long n = counter++;
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (n >>> (56 - 8 * i));
            }
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        }
    }

    /** Acquire and release one chunk: the pool's bookkeeping and the header reset. */
    @Benchmark
    public Chunk poolAcquireRelease(PoolState state) {
        final Chunk chunk = state.pool.acquire();
        chunk.release();
        return chunk;
    }

    /** Offer a chunk to a fused port and poll it back: credit, queue, doorbells; no copy. */
    @Benchmark
    public Chunk queuePortOfferPoll(QueuePortState state) {
        if (state.port.offer(state.chunk) != DataPort.OK) {
            throw new IllegalStateException("fused port refused a chunk with credit");
        }
        final Chunk chunk = state.port.poll(state.pool);
        state.chunk = chunk;
        return chunk;
    }

    /**
     * Offer a chunk to an Aeron IPC port (copied into the log, then released) and poll it back into a
     * pooled chunk (copied out of the log): the round trip of one chunk over one edge, in one thread.
     */
    @Benchmark
    public Chunk aeronIpcRoundTrip(AeronPortState state) {
        final Chunk chunk = state.pool.acquire();
        chunk.payload(Chunk.HEADROOM, state.chunkBytes);
        chunk.header().flowId(1).sequence(state.sequence++);
        int result;
        while ((result = state.port.offer(chunk)) != DataPort.OK) {
            if (result == DataPort.CLOSED) {
                throw new IllegalStateException("Aeron IPC port closed");
            }
            Thread.onSpinWait();
        }
        Chunk received;
        while ((received = state.port.poll(state.pool)) == null) {
            Thread.onSpinWait();
        }
        received.release();
        return received;
    }

    /**
     * One chunk through a transform device as its stage drives it: accept, then poll until the device has
     * nothing more, releasing what comes out. Includes one pool acquire and release.
     */
    @Benchmark
    public long transformDevice(DeviceState state) {
        return process(state);
    }

    static long process(DeviceState state) {
        final Chunk chunk = state.pool.acquire();
        final long sequence = state.sequence++;
        chunk.header().flowId(1).sequence(sequence).byteOffset(sequence * CHUNK_BYTES)
            .flags(sequence == 0 ? ChunkFlags.FIRST : 0);
        chunk.payload(Chunk.HEADROOM, CHUNK_BYTES);
        state.device.accept(chunk);
        long bytes = 0;
        Chunk out;
        while ((out = state.device.poll(state.pool)) != null) {
            bytes += out.payloadLength();
            out.release();
        }
        return bytes;
    }

    /** The JDK alone: init with a fresh nonce and encrypt one chunk in place (tag into the tailroom). */
    @Benchmark
    public int jdkGcmInPlace(JdkState state) throws GeneralSecurityException {
        state.nextNonce();
        return state.cipher.doFinal(state.array, Chunk.HEADROOM, CHUNK_BYTES, state.array, Chunk.HEADROOM);
    }

    /**
     * The JDK alone: in place, with 56 bytes of associated data in two calls (a file header and a record
     * header), the shape of the {@code aes-gcm-encrypt} device's call.
     */
    @Benchmark
    public int jdkGcmInPlaceWithAad(JdkState state) throws GeneralSecurityException {
        state.nextNonce();
        state.cipher.updateAAD(state.other, 0, 32);
        state.cipher.updateAAD(state.other, 32, 24);
        return state.cipher.doFinal(state.array, Chunk.HEADROOM, CHUNK_BYTES, state.array, Chunk.HEADROOM);
    }

    /** The JDK alone: the same, into another array. */
    @Benchmark
    public int jdkGcmToOtherArray(JdkState state) throws GeneralSecurityException {
        state.nextNonce();
        return state.cipher.doFinal(state.array, Chunk.HEADROOM, CHUNK_BYTES, state.other, Chunk.HEADROOM);
    }

    /** The JDK alone: SHA-256 over one chunk (no final digest: a tap digests once per flow). */
    @Benchmark
    public byte[] jdkSha256Update(JdkState state) {
        state.sha256.update(state.array, Chunk.HEADROOM, CHUNK_BYTES);
        return state.array;
    }

    static ChunkPool filledPool(int chunks) {
        return filledPool(chunks, CHUNK_BYTES);
    }

    /** A pool whose chunks' whole arrays hold random bytes, so devices work on realistic data. */
    static ChunkPool filledPool(int chunks, int chunkBytes) {
        final ChunkPool pool = new ChunkPool(chunkBytes, chunks);
        final Chunk[] all = new Chunk[chunks];
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < chunks; i++) {
            all[i] = pool.acquire();
            random.nextBytes(all[i].array());
        }
        for (Chunk chunk : all) {
            chunk.release();
        }
        return pool;
    }
}
