package io.flowswitch.cli.experiment;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The TLS record layer as the app-mediated baseline asks it: an actor that owns a connection's {@link
 * SSLEngine} (handshake done) and turns one buffer of plaintext into TLS 1.3 records per request, replying
 * with them. The pattern the linked TLS socket replaces.
 *
 * <p>Ownership: a {@link Wrap} lends its plaintext buffer until the reply; the {@link Wrapped} reply lends
 * the actor's ciphertext buffer until the next request (one application thread asks, and waits).
 */
final class TlsCryptoActor {
    sealed interface Command permits Wrap, Close {}

    /** Encrypt {@code plaintext}'s remaining bytes into records. */
    record Wrap(ByteBuffer plaintext, ActorRef<Wrapped> replyTo) implements Command {}

    /** End of input: the {@code close_notify} record. */
    record Close(ActorRef<Wrapped> replyTo) implements Command {}

    /** The records, from position to limit, or why there are none. */
    record Wrapped(ByteBuffer records, RuntimeException error) {}

    private TlsCryptoActor() {
    }

    /** @param recordsBytes room for the records of the largest buffer the application sends */
    static Behavior<Command> create(SSLEngine engine, int recordsBytes) {
        final ByteBuffer out = ByteBuffer.allocate(recordsBytes);
        return Behaviors.receive(Command.class)
            .onMessage(Wrap.class, m -> {
                m.replyTo().tell(wrap(engine, m.plaintext(), out));
                return Behaviors.same();
            })
            .onMessage(Close.class, m -> {
                engine.closeOutbound();
                m.replyTo().tell(wrap(engine, ByteBuffer.allocate(0), out));
                return Behaviors.stopped();
            })
            .build();
    }

    private static Wrapped wrap(SSLEngine engine, ByteBuffer plaintext, ByteBuffer out) {
        out.clear();
        try {
            do {
                final SSLEngineResult result = engine.wrap(plaintext, out);
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    throw new IllegalStateException("tls: no room for the records of one buffer ("
                        + out.capacity() + " bytes)");
                }
                if (result.getStatus() == SSLEngineResult.Status.CLOSED || result.bytesProduced() == 0) {
                    break;
                }
            } while (plaintext.hasRemaining());
            return new Wrapped(out.flip(), null);
        } catch (SSLException e) {
            return new Wrapped(null, new IllegalStateException("tls: cannot encrypt: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            return new Wrapped(null, e);
        }
    }
}
