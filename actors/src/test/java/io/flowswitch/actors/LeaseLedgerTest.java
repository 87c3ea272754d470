package io.flowswitch.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.flowswitch.devices.DeviceCatalog;
import io.flowswitch.flow.FlowException;
import io.flowswitch.flow.FlowPolicy;
import io.flowswitch.flow.FlowResult;
import io.flowswitch.flow.FlowSpec;
import io.flowswitch.javadsl.Devices;
import io.flowswitch.javadsl.FlowHandle;
import io.flowswitch.javadsl.FlowSwitch;
import io.flowswitch.javadsl.Flows;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flow manager's ledger: rates are admitted up to each instance's capacity, a refusal says requested,
 * in use and limit, a lease comes back when its flow ends, and the flows of an owner that stops are
 * cancelled. The pool has two rate-limit instances of 100 MiB/s each.
 */
class LeaseLedgerTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;
    private FlowSwitch node;

    @BeforeEach
    void start() {
        node = FlowSwitch.start(ConfigFactory.parseString(
                "flowswitch.pool.rate-limit { instances = 2, rate-bytes-per-second = 100MiB }")
            .withFallback(ConfigFactory.load()), DeviceCatalog.builtIn());
    }

    @AfterEach
    void stop() {
        node.close();
    }

    /** A flow that holds its lease while it waits for a peer that never comes. */
    private FlowSpec waiting(String name, long rateBytesPerSecond) throws IOException {
        return Flows.from(Devices.tcpListen(freePort())).via(Devices.rateLimit(1L << 30, 0))
            .to(Devices.fileSink(dir.resolve(name))).policy(FlowPolicy.rate(rateBytesPerSecond)).name(name).build();
    }

    private FlowSpec quick(String name, long rateBytesPerSecond) throws IOException {
        final Path in = dir.resolve(name + ".in");
        Files.write(in, new byte[1000]);
        return Flows.from(Devices.file(in)).via(Devices.rateLimit(1L << 30, 0))
            .to(Devices.fileSink(dir.resolve(name + ".out"))).rateBytesPerSecond(rateBytesPerSecond).name(name).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static FlowResult result(FlowHandle handle) throws Exception {
        return handle.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private FlowManager.KindUsage rateLimit() throws Exception {
        return node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).kinds().get("rate-limit");
    }

    @Test
    void aFlowAskingMoreThanAKindHasIsRefusedWithRequestedInUseAndLimit() throws Exception {
        final FlowHandle handle = node.run(quick("big", 300 * MIB));
        final FlowResult refused = result(handle);
        assertFalse(refused.succeeded());
        final FlowException error = (FlowException) refused.error();
        assertEquals("ADMISSION_REFUSED", error.code());
        assertEquals("flow " + handle.flowId() + " refused: rate-limit: requested 300 MiB/s, in use 0 B/s, "
            + "limit 200 MiB/s", error.getMessage());
        assertFalse(Files.exists(dir.resolve("big.out")), "a refused flow opens nothing");
        assertEquals(0, rateLimit().leases());
    }

    @Test
    void flowsWhoseRatesFitAreAdmittedAndTheirCapacityReturnsWhenTheyEnd() throws Exception {
        final FlowHandle first = node.run(waiting("first", 60 * MIB));
        final FlowHandle second = node.run(waiting("second", 60 * MIB));
        first.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
        second.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(120 * MIB, rateLimit().inUseBytesPerSecond());

        final FlowHandle third = node.run(quick("third", 60 * MIB));
        final FlowException error = (FlowException) result(third).error();
        assertEquals("flow " + third.flowId() + " refused: rate-limit: requested 60 MiB/s, in use 120 MiB/s, "
            + "limit 200 MiB/s, but it needs 1 instance with 60 MiB/s free and 0 of 2 have it", error.getMessage());

        first.cancel("the test needs its capacity");
        assertEquals("CANCELLED", ((FlowException) result(first).error()).code());
        assertEquals(60 * MIB, rateLimit().inUseBytesPerSecond());
        final FlowResult fourth = result(node.run(quick("fourth", 60 * MIB)));
        assertTrue(fourth.succeeded(), "the first flow's capacity came back: " + fourth.error());

        second.cancel("done");
        result(second);
        final FlowManager.KindUsage after = rateLimit();
        assertEquals(0, after.inUseBytesPerSecond());
        assertEquals(0, after.leases());
    }

    @Test
    void whenTheOwnerStopsItsFlowsAreCancelledAndTheirLeasesReleased() throws Exception {
        // A test kit over the node's own actor system: the owner must live where the manager can watch it.
        final ActorTestKit testKit = ActorTestKit.create(node.system());
        final ActorRef<String> owner = testKit.spawn(Behaviors.<String>ignore(), "application");
        final FlowHandle a = node.run(waiting("a", 100 * MIB), owner);
        final FlowHandle b = node.run(waiting("b", 100 * MIB), owner);
        a.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
        b.running().toCompletableFuture().get(10, TimeUnit.SECONDS);
        final FlowException full = (FlowException) result(node.run(quick("refused", 100 * MIB))).error();
        assertEquals("ADMISSION_REFUSED", full.code());

        testKit.stop(owner);
        for (FlowHandle handle : new FlowHandle[] {a, b}) {
            final Throwable error = result(handle).error();
            assertTrue(error instanceof FlowException f && f.code().equals("CANCELLED"), String.valueOf(error));
            assertTrue(error.getMessage().contains("its owner") && error.getMessage().contains("stopped"),
                error.getMessage());
        }
        final FlowResult admitted = result(node.run(quick("admitted", 100 * MIB)));
        assertTrue(admitted.succeeded(), "the owner's leases came back: " + admitted.error());
        assertEquals(0, rateLimit().leases());
        assertEquals(0, node.usage().toCompletableFuture().get(5, TimeUnit.SECONDS).liveLeases());
    }
}
