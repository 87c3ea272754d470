package io.flowswitch.devices.fault;

import static io.flowswitch.devices.fault.FaultChunks.pass;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.DeviceException;
import io.flowswitch.devices.DeviceRole;
import io.flowswitch.devices.InPlaceTransform;
import io.flowswitch.devices.TransformDevice;
import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FaultTest {
    @Test
    void theTextFormRoundTrips() {
        assertEquals(new Fault(Fault.Type.TRANSIENT, 3, 2, 0), Fault.parse("transient@3x2", "s"));
        assertEquals(new Fault(Fault.Type.SLOW, 0, 1, 2_000_000), Fault.parse("slow:2ms", "s"));
        assertEquals(new Fault(Fault.Type.SLOW, 4, 1, 500_000), Fault.parse("slow@4:500us", "s"));
        assertEquals(Fault.of(Fault.Type.PEER_RESET, 7), Fault.parse("peer-reset@7", "s"));
        for (String text : new String[] {"transient@3x2", "slow@4:500us", "crash@0", "actor-crash@2", "sink-full@2x3", "stall@9"}) {
            assertEquals(text, Fault.parse(text, "s").text());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sometimes", "slow", "crash@3x2", "actor-crash@3x2", "transient:2ms", "transient@-1", "stall@3x0"})
    void aBadFaultSaysWhatIsAllowed(String text) {
        final DeviceException e = assertThrows(DeviceException.class, () -> Fault.parse(text, "stage 2 (sha256)"));
        assertEquals("BAD_PARAMETER", e.code());
        assertTrue(e.getMessage().startsWith("stage 2 (sha256): parameter 'fault' value '" + text + "'"),
            e.getMessage());
    }

    @Test
    void aSourceCannotStall() {
        final DeviceException e = assertThrows(DeviceException.class,
            () -> FaultInjection.check(Fault.parse("stall@1", "s"), DeviceRole.SOURCE, "stage 1 (file-source)"));
        assertTrue(e.getMessage().contains("cannot be injected into a source"), e.getMessage());
    }

    @Test
    void aTransientFaultFiresItsCountOnAnyInstanceThenClears() {
        final ChunkPool pool = new ChunkPool(1024, 4);
        final FaultState state = new FaultState(Fault.parse("transient@1x2", "s"));
        final TransformDevice first = faulty(state, true);
        final TransformDevice other = faulty(state, false);
        assertSame(pass(first, pool, 0), null);
        assertEquals("TRANSIENT", assertThrows(DeviceException.class, () -> pass(first, pool, 1)).code());
        assertEquals("TRANSIENT", assertThrows(DeviceException.class, () -> pass(other, pool, 1)).code());
        assertNull(pass(other, pool, 1));
        assertEquals(2, state.fired());
        assertEquals(4, pool.available(), "a failed chunk goes back to its pool");
    }

    @Test
    void aCrashStaysWithTheFirstInstanceOnly() {
        final ChunkPool pool = new ChunkPool(1024, 4);
        final FaultState state = new FaultState(Fault.parse("crash@1", "s"));
        assertEquals("CRASHED", assertThrows(DeviceException.class, () -> pass(faulty(state, true), pool, 1)).code());
        assertEquals("CRASHED", assertThrows(DeviceException.class, () -> pass(faulty(state, true), pool, 0)).code(),
            "a restart of the crashed instance is still crashed");
        assertNull(pass(faulty(state, false), pool, 5), "another instance works");
    }

    @Test
    void anActorCrashWithoutANodeFailsTheFirstInstanceAsACrash() {
        final ChunkPool pool = new ChunkPool(1024, 4);
        final FaultState state = new FaultState(Fault.parse("actor-crash@1", "s"));
        assertNull(pass(faulty(state, true), pool, 0));
        final DeviceException e = assertThrows(DeviceException.class, () -> pass(faulty(state, true), pool, 1));
        assertEquals("ACTOR_CRASHED", e.code());
        assertTrue(e.getMessage().startsWith("stage 2 (test): the device actor"), e.getMessage());
        assertNull(pass(faulty(state, false), pool, 1), "another instance works");
        assertEquals(4, pool.available());
    }

    @Test
    void anActorCrashCrashesTheActorOnceAndTheDeviceGoesSilent() {
        final ChunkPool pool = new ChunkPool(1024, 4);
        final FaultState state = new FaultState(Fault.parse("actor-crash@1", "s"));
        final int[] crashes = new int[1];
        state.onActorCrash(replica -> {
            assertEquals(0, replica, "a single instance is replica 0's");
            crashes[0]++;
        });
        final TransformDevice device = faulty(state, true);
        final Chunk chunk = pool.acquire();
        chunk.header().sequence(1);
        device.accept(chunk);
        assertEquals(1, crashes[0]);
        assertNull(device.poll(pool), "nothing comes out of an instance whose actor died");
        assertEquals(false, device.needsInput());
        device.close();
        assertEquals(4, pool.available(), "closing the silent device gives its chunk back");
        assertEquals("ACTOR_CRASHED", assertThrows(DeviceException.class,
            () -> pass(faulty(state, true), pool, 2)).code(), "a restart on the dead instance fails");
        assertEquals(1, crashes[0]);
    }

    @Test
    void corruptionFlipsOneByteOfTheOutputOnce() {
        final ChunkPool pool = new ChunkPool(1024, 4);
        final FaultState state = new FaultState(Fault.parse("corrupt@0", "s"));
        final TransformDevice device = faulty(state, true);
        final Chunk chunk = pool.acquire();
        chunk.payload(Chunk.HEADROOM, 10);
        device.accept(chunk);
        final Chunk out = device.poll(pool);
        assertEquals(0x40, out.array()[Chunk.HEADROOM + 5]);
        out.release();
    }

    private static TransformDevice faulty(FaultState state, boolean primary) {
        return (TransformDevice) FaultInjection.wrap(new InPlaceTransform() {
            @Override
            protected void process(Chunk chunk) {
            }
        }, state, primary, "stage 2 (test)");
    }
}
