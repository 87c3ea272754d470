package io.flowswitch.devices.fault;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * In lanes, a transform's fault of the first instance strikes the lane that first meets its chunk, a source's
 * the lane that reads its chunk, and stays there.
 */
class LaneFaultTest {
    @Test
    void theFirstLaneToMeetTheFaultsChunkIsStruckAndNoOther() {
        final FaultState state = new FaultState(Fault.parse("crash@2", "stage 2 (aes-gcm-encrypt)"));
        assertFalse(state.strikesInstance(0, 0), "before the fault's chunk no lane is struck");
        assertFalse(state.strikesInstance(1, 1));
        assertTrue(state.strikesInstance(1, 3), "lane 1 met chunk 3 first");
        assertFalse(state.strikesInstance(0, 2), "lane 0 meets the fault's own chunk later: lane 1 was struck");
        assertFalse(state.strikesInstance(0, 9));
        assertTrue(state.strikesInstance(1, 4), "the struck lane stays struck");
        assertTrue(state.struckInstance(1));
        assertFalse(state.struckInstance(0));
    }

    @Test
    void aSourcesFaultStrikesTheLaneThatReadsItsChunkEvenAfterLaterChunksWereRead() {
        final FaultState state = new FaultState(Fault.parse("permanent@2", "stage 1 (file-source)"));
        assertFalse(state.strikesSourceLane(0, 3), "chunk 3 read before chunk 2: no lane is struck yet");
        assertFalse(state.strikesSourceLane(2, 4));
        assertTrue(state.strikesSourceLane(1, 2), "lane 1 reads the fault's chunk");
        assertFalse(state.strikesSourceLane(0, 5));
        assertTrue(state.strikesSourceLane(1, 6), "the struck lane stays struck");
        assertTrue(state.struckInstance(1));
    }
}
