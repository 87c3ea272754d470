package io.flowswitch.devices.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.port.DataPort;
import io.flowswitch.devices.port.QueuePort;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.javadsl.StreamTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PortReaderStageTest {
    private static ActorSystem system;
    private static Materializer materializer;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("port-reader-test");
        materializer = Materializer.createMaterializer(system);
    }

    @AfterAll
    static void stop() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * A flow that ends closes its ports; an island that only then starts finds chunks offered and never
     * taken, but none left to take. Its reader fails at once (a sink behind it removes partial output)
     * instead of waiting for chunks that were released, and every stage stops.
     */
    @Test
    void aReaderThatStartsAfterItsPortWasClosedFailsAndStops() throws Exception {
        final ChunkPool pool = new ChunkPool(1024, 4);
        final DataPort port = new QueuePort("fused edge 2->3", 4);
        assertEquals(DataPort.OK, port.offer(pool.acquire()));
        assertEquals(DataPort.OK, port.offer(pool.acquire()));
        port.close();
        assertEquals(4, pool.available(), "closing released what the port held");

        final CompletableFuture<Done> done = Source.fromGraph(new PortReaderStage(port, pool, "3:sink"))
            .runWith(Sink.ignore(), materializer).toCompletableFuture();
        final ExecutionException error = assertThrows(ExecutionException.class, () -> done.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, error.getCause());
        assertTrue(error.getCause().getMessage().startsWith("fused edge 2->3 was closed before its reader took"),
            error.getCause().getMessage());
        StreamTestKit.assertAllStagesStopped(materializer);
        assertEquals(4, pool.available());
    }
}
