package io.flowswitch.cli.experiment;

import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The crypto device as the app-mediated baseline asks it, the {@code /dev/crypto} way: an actor that owns a
 * chain of transform devices (a modelled accelerator, then the AES-GCM cipher) and runs one buffer through
 * them per request, replying with the result. This is the pattern the linked socket replaces; it lives here,
 * beside the experiment, so that both use the same devices and only the architecture differs.
 *
 * <p>Ownership: an {@link Encrypt} passes the chunk to the actor; the {@link Encrypted} reply passes it back.
 * Spawn it on the blocking-I/O dispatcher when a device blocks (the accelerator model sleeps).
 */
final class CryptoActor {
    sealed interface Command permits Encrypt, Finish {}

    /** Run one buffer's records, {@code chunks} (headers set by the caller), through the devices. */
    record Encrypt(List<Chunk> chunks, ActorRef<Encrypted> replyTo) implements Command {}

    /** End of input: the devices' trailers (the AES-GCM end record). */
    record Finish(ActorRef<Encrypted> replyTo) implements Command {}

    /** The chunks that came out, in order (a record per chunk given; the end record for {@link Finish}). */
    record Encrypted(List<Chunk> chunks, RuntimeException error) {}

    private CryptoActor() {
    }

    static Behavior<Command> create(List<TransformDevice> devices, ChunkPool pool) {
        return Behaviors.receive(Command.class)
            .onMessage(Encrypt.class, m -> {
                m.replyTo().tell(run(devices, pool, m.chunks(), false));
                return Behaviors.same();
            })
            .onMessage(Finish.class, m -> {
                m.replyTo().tell(run(devices, pool, List.of(), true));
                devices.forEach(TransformDevice::close);
                return Behaviors.stopped();
            })
            .build();
    }

    /** Pushes {@code input} (and then, with {@code end}, the end of input) through every device in turn. */
    private static Encrypted run(List<TransformDevice> devices, ChunkPool pool, List<Chunk> input, boolean end) {
        try {
            List<Chunk> chunks = input;
            for (TransformDevice device : devices) {
                final List<Chunk> out = new ArrayList<>(chunks.size() + 1);
                for (Chunk chunk : chunks) {
                    device.accept(chunk);
                    Chunk produced;
                    while ((produced = device.poll(pool)) != null) {
                        out.add(produced);
                    }
                }
                if (end) {
                    device.endOfInput();
                    Chunk produced;
                    while ((produced = device.poll(pool)) != null) {
                        out.add(produced);
                    }
                }
                chunks = out;
            }
            return new Encrypted(chunks, null);
        } catch (RuntimeException e) {
            return new Encrypted(List.of(), e);
        }
    }
}
