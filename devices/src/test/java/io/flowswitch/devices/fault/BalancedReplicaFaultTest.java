package io.flowswitch.devices.fault;

import static io.flowswitch.devices.fault.FaultChunks.pass;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.InPlaceTransform;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * In a balanced stage the balance hands each chunk to whichever replica asks first, so a fault of the first
 * instance strikes the replica that first meets a chunk at or past the fault's chunk, and stays there: replica 0
 * is not special. Restarts of the struck replica find the fault still there; the other replicas, and a spare,
 * never meet it.
 */
class BalancedReplicaFaultTest {
    private static final String STAGE = "stage 2 (aes-gcm-encrypt)";

    @Test
    void replicaOneMeetsTheFaultsChunkFirstSoReplicaOneIsStruckAndReplicaZeroNever() {
        final ChunkPool pool = new ChunkPool(1024, 4);
        final FaultState state = new FaultState(Fault.parse("crash@3", STAGE));
        final TransformDevice zero = replica(state, 0);
        final TransformDevice one = replica(state, 1);
        assertNull(pass(zero, pool, 0));
        assertNull(pass(one, pool, 1), "before the fault's chunk no replica is struck");
        assertNull(pass(zero, pool, 2));
        final DeviceException crashed = assertThrows(DeviceException.class, () -> pass(one, pool, 4));
        assertEquals("CRASHED", crashed.code());
        assertEquals(STAGE + ": the device crashed at chunk 4 (injected fault, replica 1)", crashed.getMessage(),
            "the message names the struck replica");
        for (long sequence = 3; sequence < 12; sequence++) {
            assertNull(pass(zero, pool, sequence), "replica 0 meets the fault's own chunk later: never struck");
        }
        assertEquals(1, state.fired());
        assertEquals(4, pool.available(), "a failed chunk goes back to its pool");
    }

    @Test
    void aRestartOfTheStruckReplicaIsStillCrashedAndNoOtherInstanceMeetsTheFault() {
        final ChunkPool pool = new ChunkPool(1024, 4);
        final FaultState state = new FaultState(Fault.parse("crash@3", STAGE));
        assertEquals("CRASHED", assertThrows(DeviceException.class, () -> pass(replica(state, 1), pool, 3)).code());
        assertEquals("CRASHED", assertThrows(DeviceException.class, () -> pass(replica(state, 1), pool, 0)).code(),
            "a restart of replica 1 on its own instance finds it crashed, even for a chunk before the fault's");
        assertNull(pass(replica(state, 0), pool, 3), "a restart of replica 0 does not become the fault's target");
        assertNull(pass(spare(state), pool, 3), "a spare a redirect leased never meets the fault");
        assertEquals(1, state.fired(), "the shared state fired once");
        assertEquals(4, pool.available());
    }

    @Test
    void aPermanentFaultStaysOnTheReplicaItStruck() {
        final ChunkPool pool = new ChunkPool(1024, 4);
        final FaultState state = new FaultState(Fault.parse("permanent@2", STAGE));
        final TransformDevice zero = replica(state, 0);
        final TransformDevice one = replica(state, 1);
        assertEquals("DEVICE_FAILED", assertThrows(DeviceException.class, () -> pass(one, pool, 5)).code());
        assertNull(pass(zero, pool, 2));
        assertNull(pass(zero, pool, 6));
        assertEquals("DEVICE_FAILED", assertThrows(DeviceException.class, () -> pass(one, pool, 7)).code());
        assertEquals("DEVICE_FAILED", assertThrows(DeviceException.class,
            () -> pass(replica(state, 1), pool, 8)).code(), "also after a restart");
        assertEquals(4, pool.available());
    }

    @Test
    void anActorCrashCrashesTheStruckReplicasDeviceActor() {
        final ChunkPool pool = new ChunkPool(1024, 4);
        final FaultState state = new FaultState(Fault.parse("actor-crash@3", STAGE));
        final List<Integer> crashed = new ArrayList<>();
        state.onActorCrash(crashed::add);
        final TransformDevice zero = replica(state, 0);
        final TransformDevice one = replica(state, 1);
        final Chunk chunk = pool.acquire();
        chunk.header().sequence(3);
        one.accept(chunk);
        assertEquals(List.of(1), crashed, "replica 1 met chunk 3 first: its device actor is the one told to crash");
        assertNull(one.poll(pool), "nothing comes out of a replica whose actor died");
        assertFalse(one.needsInput());
        assertNull(pass(zero, pool, 4), "replica 0 carries on");
        one.close();
        assertEquals(4, pool.available(), "closing the silent replica gives its chunk back");
        final DeviceException restarted = assertThrows(DeviceException.class, () -> pass(replica(state, 1), pool, 5));
        assertEquals("ACTOR_CRASHED", restarted.code(), "a restart on the dead instance fails");
        assertTrue(restarted.getMessage().contains("struck replica") && restarted.getMessage().endsWith(
            "(injected fault, replica 1)"), restarted.getMessage());
        assertEquals(List.of(1), crashed, "the actor is crashed once");
        assertEquals(4, pool.available());
    }

    @Test
    void aNegativeReplicaIsRefused() {
        final FaultState state = new FaultState(Fault.parse("crash@3", STAGE));
        assertThrows(IllegalArgumentException.class, () -> replica(state, -1));
    }

    private static TransformDevice replica(FaultState state, int replica) {
        return (TransformDevice) FaultInjection.wrapReplica(device(), state, replica, STAGE);
    }

    private static TransformDevice spare(FaultState state) {
        return (TransformDevice) FaultInjection.wrap(device(), state, false, STAGE);
    }

    private static TransformDevice device() {
        return new InPlaceTransform() {
            @Override
            protected void process(Chunk chunk) {
            }
        };
    }
}
