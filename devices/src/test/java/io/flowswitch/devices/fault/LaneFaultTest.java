package io.flowswitch.devices.fault;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** In lanes, a fault of the first instance strikes the lane that first meets its chunk, and stays there. */
class LaneFaultTest {
    @Test
    void theFirstLaneToMeetTheFaultsChunkIsStruckAndNoOther() {
        final FaultState state = new FaultState(Fault.parse("crash@2", "stage 2 (aes-gcm-encrypt)"));
        assertFalse(state.strikesLane(0, 0), "before the fault's chunk no lane is struck");
        assertFalse(state.strikesLane(1, 1));
        assertTrue(state.strikesLane(1, 3), "lane 1 met chunk 3 first");
        assertFalse(state.strikesLane(0, 2), "lane 0 meets the fault's own chunk later: lane 1 was struck");
        assertFalse(state.strikesLane(0, 9));
        assertTrue(state.strikesLane(1, 4), "the struck lane stays struck");
        assertTrue(state.struckLane(1));
        assertFalse(state.struckLane(0));
    }
}
