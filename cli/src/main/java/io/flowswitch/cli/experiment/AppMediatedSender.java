package io.flowswitch.cli.experiment;

import io.flowswitch.devices.DeviceParams;
import io.flowswitch.devices.FlowContext;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkFlags;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.StageSpec;
import io.flowswitch.flow.compile.CompiledFlow;
import io.flowswitch.javadsl.LinkedSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKey;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The app-mediated baseline: the application copies each buffer to the crypto device actor, asks it to
 * encrypt, copies the ciphertext back into its own buffer, and writes that to the socket itself: the data
 * crosses the application boundary twice per byte, and each buffer costs two cross-thread hand-offs. Same
 * devices and same output bytes as the linked socket (the AES-GCM stream format), so only the architecture
 * differs. Copies are counted where they happen. One application thread; not thread-safe.
 */
final class AppMediatedSender implements AutoCloseable {
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);
    private static final String KEY_NAME = "k";
    private static final AtomicLong NEXT_ID = new AtomicLong();

    private final ActorSystem<?> system;
    private final ActorRef<CryptoActor.Command> crypto;
    private final ChunkPool pool;
    private final int recordBytes;
    private final SocketChannel socket;
    private final byte[] ciphertext;
    private final ByteBuffer ciphertextView;
    private final long flowId;
    private long sequence;
    private long offset;
    private long copiedBytes;
    private final List<Chunk> records = new ArrayList<>();

    /**
     * Connects to {@code port} on loopback and spawns a crypto actor owning {@code before} stages (e.g. a
     * rate-limit model) and an {@code aes-gcm-encrypt} device under {@code key}.
     */
    AppMediatedSender(ActorSystem<?> system, DeviceCatalog catalog, int port, SecretKey key, int bufferBytes,
        List<StageSpec> before) throws IOException {
        this.system = system;
        this.flowId = NEXT_ID.incrementAndGet();
        // Records as the linked socket makes them, so both send the same bytes: a larger buffer is several
        // records, encrypted in one request.
        this.recordBytes = Math.min(bufferBytes, LinkedSocket.MAX_RECORD_BYTES);
        final int recordsPerBuffer = (bufferBytes + recordBytes - 1) / recordBytes;
        final FlowContext context = new FlowContext(flowId, recordBytes, Map.of(KEY_NAME, key));
        final List<TransformDevice> devices = new ArrayList<>();
        int stage = 1;
        for (StageSpec spec : before) {
            devices.add((TransformDevice) catalog.find(spec.kind()).orElseThrow().create(
                new DeviceParams("stage " + stage++ + " (" + spec.kind() + ")", spec.params()), context));
        }
        devices.add((TransformDevice) catalog.find("aes-gcm-encrypt").orElseThrow().create(
            DeviceParams.of("stage " + stage + " (aes-gcm-encrypt)", "key", KEY_NAME), context));
        this.pool = new ChunkPool(recordBytes, recordsPerBuffer + 4);
        final boolean blocking = !before.isEmpty();
        this.crypto = system.systemActorOf(CryptoActor.create(devices, pool), "crypto-" + flowId,
            blocking ? DispatcherSelector.fromConfig(CompiledFlow.BLOCKING_DISPATCHER)
                : DispatcherSelector.fromConfig(CompiledFlow.DEVICE_DISPATCHER));
        this.ciphertext = new byte[Chunk.HEADROOM + recordBytes + Chunk.TAILROOM];
        this.ciphertextView = ByteBuffer.wrap(ciphertext);
        this.socket = SocketChannel.open();
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
    }

    /** Encrypts {@code length} bytes of {@code plaintext} through the actor and sends the result. */
    void write(byte[] plaintext, int length) throws IOException {
        records.clear();
        for (int done = 0; done < length; ) {
            final int n = Math.min(recordBytes, length - done);
            final Chunk chunk = pool.acquire();
            // Crossing one: the plaintext goes to the device.
            System.arraycopy(plaintext, done, chunk.array(), Chunk.HEADROOM, n);
            copiedBytes += n;
            chunk.payload(Chunk.HEADROOM, n);
            chunk.header().flowId(flowId).sequence(sequence).byteOffset(offset)
                .flags(sequence == 0 ? ChunkFlags.FIRST : 0);
            sequence++;
            offset += n;
            done += n;
            records.add(chunk);
        }
        sendAll(ask(new CryptoActorAsk(List.copyOf(records))));
    }

    /** Ends the stream: the end record, then FIN. */
    void finish() throws IOException {
        sendAll(ask(null));
        socket.shutdownOutput();
    }

    long copiedBytes() {
        return copiedBytes;
    }

    private void sendAll(List<Chunk> chunks) throws IOException {
        for (Chunk out : chunks) {
            // Crossing two: the ciphertext comes back into the application's buffer, which it writes.
            final int length = out.payloadLength();
            System.arraycopy(out.array(), out.payloadOffset(), ciphertext, 0, length);
            copiedBytes += length;
            out.release();
            ciphertextView.limit(length).position(0);
            while (ciphertextView.hasRemaining()) {
                socket.write(ciphertextView);
            }
        }
    }

    private record CryptoActorAsk(List<Chunk> chunks) {}

    private List<Chunk> ask(CryptoActorAsk request) {
        final CryptoActor.Encrypted reply = AskPattern.<CryptoActor.Command, CryptoActor.Encrypted>ask(crypto,
            replyTo -> request == null ? new CryptoActor.Finish(replyTo) : new CryptoActor.Encrypt(request.chunks(), replyTo),
            ASK_TIMEOUT, system.scheduler()).toCompletableFuture().join();
        if (reply.error() != null) {
            throw reply.error();
        }
        return reply.chunks();
    }

    @Override
    public void close() throws IOException {
        // Stops the actor if finish() did not; a second Finish after it goes nowhere.
        crypto.tell(new CryptoActor.Finish(system.ignoreRef()));
        socket.close();
    }

}
