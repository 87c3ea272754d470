package io.flowswitch.devices.port;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowswitch.devices.chunk.Chunk;
import io.flowswitch.devices.chunk.ChunkPool;
import io.flowswitch.devices.driver.MediaDriverNode;
import io.flowswitch.devices.testkit.Eventually;
import java.io.File;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The node's pool of Aeron IPC streams against a real embedded media driver: streams reused flow after flow
 * carry every byte unchanged, a stream left unclean never reaches the next flow, flows in parallel hold
 * distinct streams, the bounds hold, and the node's shutdown closes everything.
 */
class IpcStreamPoolTest {
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int MAX_PAYLOAD_BYTES = CHUNK_BYTES + Chunk.HEADROOM + Chunk.TAILROOM;

    private static MediaDriverNode launch(int maxIdleStreams, long maxIdleLogBytes) {
        return MediaDriverNode.launch(new MediaDriverNode.Context().maxIdleIpcStreams(maxIdleStreams)
            .maxIdleIpcLogBytes(maxIdleLogBytes));
    }

    @Test
    void bytesAreIdenticalAcrossManyFlowsReusingOneStream() throws Exception {
        try (MediaDriverNode node = launch(4, 1L << 30)) {
            final IpcStreamPool pool = node.ipcStreams();
            final ChunkPool chunks = new ChunkPool(CHUNK_BYTES, 8);
            int streamId = -1;
            for (int flow = 0; flow < 40; flow++) {
                final AeronIpcPort port = pool.lease("edge 1->2", 4, MAX_PAYLOAD_BYTES);
                if (flow == 0) {
                    streamId = port.streamId();
                }
                assertEquals(streamId, port.streamId(), "flow " + flow + " reuses the one warm stream");
                assertEquals(flow + 1, port.generation());
                assertEquals(0, port.chunksOffered(), "a reused stream's port starts with no chunk counted");
                // Sizes across the MTU: 64 KiB chunks are fragmented and reassembled, small ones take tryClaim.
                final byte[] sent = randomBytes(flow, 3 * CHUNK_BYTES + 1000 + flow * 77);
                assertArrayEquals(sha256(sent), sha256(transfer(port, chunks, sent, flow)), "flow " + flow);
                port.close();
                assertEquals(8, chunks.available(), "every chunk of flow " + flow + " back in its pool");
            }
            final IpcStreamPool.Stats stats = pool.stats();
            assertEquals(1, stats.opened(), stats.toString());
            assertEquals(39, stats.reused(), stats.toString());
            assertEquals(1, stats.idleStreams(), stats.toString());
            assertEquals(0, stats.leasedStreams(), stats.toString());
        }
    }

    @Test
    void aQuietDriverStillOpensAndServesALeasedStreamPromptly() throws Exception {
        // A quiet park of a second, after idle spells longer than the back-off takes to reach it: a lease must still
        // find the driver awake for its Aeron add and connect, and the held stream must move its chunks promptly.
        try (MediaDriverNode node = MediaDriverNode.launch(new MediaDriverNode.Context().maxIdleIpcStreams(4)
            .maxIdleIpcLogBytes(1L << 30).quietParkNs(1_000_000_000L))) {
            final IpcStreamPool pool = node.ipcStreams();
            final ChunkPool chunks = new ChunkPool(CHUNK_BYTES, 8);
            assertFalse(pool.anyLeased(), "no stream held: the driver may park long");
            for (int flow = 0; flow < 2; flow++) {
                Thread.sleep(1500);
                final long startNs = System.nanoTime();
                final AeronIpcPort port = pool.lease("edge 1->2", 4, MAX_PAYLOAD_BYTES);
                assertTrue(pool.anyLeased());
                final byte[] sent = randomBytes(flow, 40 * CHUNK_BYTES + 3);
                assertArrayEquals(sha256(sent), sha256(transfer(port, chunks, sent, flow)), "flow " + flow);
                port.close();
                final long tookMs = (System.nanoTime() - startNs) / 1_000_000;
                assertTrue(tookMs < 900, "flow " + flow + " on a quiet driver took " + tookMs + " ms");
                assertFalse(pool.anyLeased());
            }
            assertEquals(1, pool.stats().opened(), pool.stats().toString());
        }
    }

    @Test
    void aStreamLeftWithUnreadChunksIsClosedAndNothingOfItReachesTheNextFlow() throws Exception {
        try (MediaDriverNode node = launch(4, 1L << 30)) {
            final IpcStreamPool pool = node.ipcStreams();
            final ChunkPool chunks = new ChunkPool(CHUNK_BYTES, 8);
            final AeronIpcPort failed = pool.lease("edge 1->2", 4, MAX_PAYLOAD_BYTES);
            final int failedStream = failed.streamId();
            assertEquals(DataPort.OK, failed.offer(filled(chunks, 0, CHUNK_BYTES, (byte) 0x66)));
            assertEquals(DataPort.OK, failed.offer(filled(chunks, 1, 100, (byte) 0x66)));
            failed.poll(chunks).release();
            failed.fail(new IllegalStateException("device failed mid-transfer"));
            failed.close();
            IpcStreamPool.Stats stats = pool.stats();
            assertEquals(1, stats.closedUnclean(), stats.toString());
            assertEquals(0, stats.idleStreams(), "a failed flow's stream is not kept: " + stats);

            final AeronIpcPort next = pool.lease("edge 1->2", 4, MAX_PAYLOAD_BYTES);
            assertNotEquals(failedStream, next.streamId(), "the next flow gets a fresh stream");
            assertNull(next.poll(chunks), "nothing of the failed flow arrives");
            final byte[] sent = randomBytes(7, 2 * CHUNK_BYTES + 5);
            assertArrayEquals(sha256(sent), sha256(transfer(next, chunks, sent, 7)));
            next.close();

            // A reader that cancelled mid-transfer, and a writer that finished with chunks unread: closed as well.
            final AeronIpcPort cancelled = pool.lease("edge 1->2", 4, MAX_PAYLOAD_BYTES);
            cancelled.offer(filled(chunks, 0, 10, (byte) 1));
            cancelled.cancel();
            cancelled.close();
            final AeronIpcPort unread = pool.lease("edge 1->2", 4, MAX_PAYLOAD_BYTES);
            unread.offer(filled(chunks, 0, 10, (byte) 1));
            unread.finish();
            unread.close();
            stats = pool.stats();
            assertEquals(3, stats.closedUnclean(), stats.toString());
            assertEquals(8, chunks.available(), "no chunk left behind in a closed port");
        }
    }

    @Test
    void messagesOfAnEarlierLeaseAreDroppedByTheReader() {
        try (MediaDriverNode node = launch(0, 0)) {
            final ChunkPool chunks = new ChunkPool(CHUNK_BYTES, 8);
            final IpcStream stream = IpcStream.open(node, 4242, AeronIpcPort.termLengthFor(4, MAX_PAYLOAD_BYTES));
            try {
                final AeronIpcPort earlier = new AeronIpcPort("earlier", 4, stream, null);
                assertEquals(DataPort.OK, earlier.offer(filled(chunks, 0, CHUNK_BYTES, (byte) 0x11)));
                assertEquals(DataPort.OK, earlier.offer(filled(chunks, 1, 300, (byte) 0x11)));
                // Leased again with both messages still in the log (the pool never does this; the guard holds anyway).
                final AeronIpcPort later = new AeronIpcPort("later", 4, stream, null);
                assertNull(later.poll(chunks), "neither the fragmented nor the small message of the earlier lease");
                assertEquals(2, later.staleMessagesDropped());
                assertEquals(DataPort.OK, later.offer(filled(chunks, 5, CHUNK_BYTES, (byte) 0x22)));
                final Chunk chunk = later.poll(chunks);
                assertEquals(5, chunk.header().sequence());
                assertEquals((byte) 0x22, chunk.array()[chunk.payloadOffset() + CHUNK_BYTES - 1]);
                chunk.release();
            } finally {
                stream.close();
            }
            assertEquals(8, chunks.available());
        }
    }

    @Test
    void flowsInParallelTakeDistinctStreams() throws Exception {
        final int flows = 4;
        try (MediaDriverNode node = launch(8, 1L << 30)) {
            final IpcStreamPool pool = node.ipcStreams();
            final ExecutorService threads = Executors.newFixedThreadPool(flows);
            try {
                for (int round = 0; round < 3; round++) {
                    final List<AeronIpcPort> ports = new ArrayList<>();
                    final CountDownLatch allLeased = new CountDownLatch(flows);
                    final List<Future<Boolean>> results = new ArrayList<>();
                    for (int f = 0; f < flows; f++) {
                        final int seed = round * flows + f;
                        results.add(threads.submit(() -> {
                            final AeronIpcPort port = pool.lease("edge", 4, MAX_PAYLOAD_BYTES);
                            synchronized (ports) {
                                ports.add(port);
                            }
                            allLeased.countDown();
                            assertTrue(allLeased.await(20, TimeUnit.SECONDS));
                            final ChunkPool chunks = new ChunkPool(CHUNK_BYTES, 8);
                            final byte[] sent = randomBytes(seed, 5 * CHUNK_BYTES + seed);
                            final boolean same = MessageDigest.isEqual(sha256(sent),
                                sha256(transfer(port, chunks, sent, seed)));
                            return same;
                        }));
                    }
                    for (Future<Boolean> result : results) {
                        assertTrue(result.get(30, TimeUnit.SECONDS), "bytes identical in round " + round);
                    }
                    final Set<Integer> ids = new HashSet<>();
                    ports.forEach(port -> ids.add(port.streamId()));
                    assertEquals(flows, ids.size(), "flows held at once hold distinct streams: " + ids);
                    ports.forEach(AeronIpcPort::close);
                }
            } finally {
                threads.shutdownNow();
            }
            final IpcStreamPool.Stats stats = pool.stats();
            assertEquals(flows, stats.opened(), "later rounds reuse the first round's streams: " + stats);
            assertEquals(2L * flows, stats.reused(), stats.toString());
            assertEquals(flows, stats.idleStreams(), stats.toString());
            assertEquals(0, stats.leasedStreams(), stats.toString());
        }
    }

    @Test
    void prewarmOpensStreamsInTheBackgroundThatTheFirstLeasesTake() throws Exception {
        try (MediaDriverNode node = MediaDriverNode.launch(new MediaDriverNode.Context().maxIdleIpcStreams(3)
            .prewarmIpcStreams(5).prewarmShape(32, MAX_PAYLOAD_BYTES))) {
            final IpcStreamPool pool = node.ipcStreams();
            Eventually.waitUntil(Duration.ofSeconds(20), () -> pool.stats().idleStreams() >= 3);
            // Nothing signals that pre-warming gave up at the pool's bound: give a fourth stream time to show.
            Thread.sleep(50);
            IpcStreamPool.Stats stats = pool.stats();
            assertEquals(3, stats.idleStreams(), "no more than the pool keeps: " + stats);
            assertEquals(3, stats.opened(), stats.toString());
            final ChunkPool chunks = new ChunkPool(CHUNK_BYTES, 8);
            for (int flow = 0; flow < 2; flow++) {
                final AeronIpcPort port = pool.lease("edge 1->2", 32, MAX_PAYLOAD_BYTES);
                final byte[] sent = randomBytes(flow, 3 * CHUNK_BYTES + 77);
                assertArrayEquals(sha256(sent), sha256(transfer(port, chunks, sent, 1)));
                port.close();
            }
            stats = pool.stats();
            assertEquals(3, stats.opened(), "the leases opened nothing: " + stats);
            assertEquals(2, stats.reused(), stats.toString());
        }
        // A node closed while it pre-warms stops, and leaves nothing behind.
        final MediaDriverNode node = MediaDriverNode.launch(new MediaDriverNode.Context().prewarmIpcStreams(16)
            .maxIdleIpcLogBytes(1L << 30));
        final String directory = node.aeronDirectoryName();
        node.close();
        assertFalse(new File(directory).exists(), "no driver files left");
        assertEquals(0, node.ipcStreams().stats().idleStreams());
        assertThrows(IllegalArgumentException.class,
            () -> new MediaDriverNode.Context().prewarmIpcStreams(-1).conclude());
    }

    @Test
    void idleStreamsAreBoundedByCountBytesAndShape() throws Exception {
        final int smallPayload = 4096 + Chunk.HEADROOM + Chunk.TAILROOM;
        final long smallLog = 3L * AeronIpcPort.termLengthFor(4, smallPayload);
        try (MediaDriverNode node = launch(2, 1L << 30)) {
            final IpcStreamPool pool = node.ipcStreams();
            final List<AeronIpcPort> ports = List.of(pool.lease("a", 4, smallPayload), pool.lease("b", 4, smallPayload),
                pool.lease("c", 4, smallPayload));
            ports.forEach(port -> cleanEnd(port));
            final IpcStreamPool.Stats stats = pool.stats();
            assertEquals(2, stats.idleStreams(), stats.toString());
            assertEquals(1, stats.closedOverBound(), stats.toString());
            assertEquals(2 * smallLog, stats.idleLogBytes());
            // Another shape (a term of its own) opens its own stream rather than take one of these.
            final int bigTerm = AeronIpcPort.termLengthFor(64, MAX_PAYLOAD_BYTES);
            assertNotEquals(AeronIpcPort.termLengthFor(4, smallPayload), bigTerm);
            final AeronIpcPort big = pool.lease("big", 64, MAX_PAYLOAD_BYTES);
            assertEquals(4, pool.stats().opened());
            assertEquals(2, pool.stats().idleStreams());
            cleanEnd(big);
            assertEquals(2, pool.stats().idleStreams(), "still at most two idle streams");
        }
        try (MediaDriverNode node = launch(16, smallLog)) {
            final IpcStreamPool pool = node.ipcStreams();
            final AeronIpcPort first = pool.lease("a", 4, smallPayload);
            final AeronIpcPort second = pool.lease("b", 4, smallPayload);
            cleanEnd(first);
            cleanEnd(second);
            assertEquals(1, pool.stats().idleStreams(), "one stream's log fills the byte bound: " + pool.stats());
        }
        try (MediaDriverNode node = launch(0, 1L << 30)) {
            final IpcStreamPool pool = node.ipcStreams();
            for (int i = 0; i < 3; i++) {
                cleanEnd(pool.lease("a", 4, smallPayload));
            }
            final IpcStreamPool.Stats stats = pool.stats();
            assertEquals(3, stats.opened(), "no pool: a stream per port " + stats);
            assertEquals(0, stats.idleStreams());
        }
        assertThrows(IllegalArgumentException.class,
            () -> new MediaDriverNode.Context().maxIdleIpcStreams(-1).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new MediaDriverNode.Context().maxIdleIpcLogBytes(-1).conclude());
    }

    @Test
    void shutdownClosesIdleStreamsAndThoseStillLeasedWhenTheyComeBack() {
        final MediaDriverNode node = launch(4, 1L << 30);
        final String directory = node.aeronDirectoryName();
        final AeronIpcPort idle = node.ipcStreams().lease("a", 4, MAX_PAYLOAD_BYTES);
        final AeronIpcPort leased = node.ipcStreams().lease("b", 4, MAX_PAYLOAD_BYTES);
        cleanEnd(idle);
        assertEquals(1, node.ipcStreams().stats().idleStreams());
        node.close();
        assertTrue(idle.stream().isClosed(), "the idle stream is closed with the node");
        assertEquals(0, node.ipcStreams().stats().idleStreams());
        assertThrows(IllegalStateException.class, () -> node.ipcStreams().lease("c", 4, MAX_PAYLOAD_BYTES));
        cleanEnd(leased);
        assertTrue(leased.stream().isClosed(), "a stream given back after shutdown is closed, not kept");
        assertEquals(0, node.ipcStreams().stats().idleStreams());
        assertEquals(0, node.ipcStreams().stats().leasedStreams());
        assertFalse(new File(directory).exists(), "no driver files remain");
    }

    @Test
    void aPortThatNeverCarriedAChunkGivesItsStreamBack() {
        try (MediaDriverNode node = launch(4, 1L << 30)) {
            final AeronIpcPort unused = node.ipcStreams().lease("a", 4, MAX_PAYLOAD_BYTES);
            unused.close();
            unused.close();
            final IpcStreamPool.Stats stats = node.ipcStreams().stats();
            assertEquals(1, stats.idleStreams(), "a flow whose set-up failed returns its ports' streams: " + stats);
            assertEquals(0, stats.leasedStreams(), "closing twice gives back once: " + stats);
        }
    }

    /** Ends a port as a flow that moved nothing ends: writer finished, reader found it drained. */
    private static void cleanEnd(AeronIpcPort port) {
        port.finish();
        assertTrue(port.isDrained());
        port.close();
    }

    /**
     * Writes {@code bytes} through the port in chunks of up to {@link #CHUNK_BYTES} (credit permitting, reading
     * in between on the same thread), finishes, reads to the end, and returns what arrived, in sequence order.
     */
    private static byte[] transfer(DataPort port, ChunkPool chunks, byte[] bytes, long flowId) {
        final byte[] received = new byte[bytes.length];
        int written = 0;
        int read = 0;
        long sequence = 0;
        long expected = 0;
        while (read < bytes.length) {
            if (written < bytes.length && chunks.available() > 1) {
                final int length = Math.min(CHUNK_BYTES, bytes.length - written);
                final Chunk chunk = chunks.acquire();
                System.arraycopy(bytes, written, chunk.array(), Chunk.HEADROOM, length);
                chunk.payload(Chunk.HEADROOM, length);
                chunk.header().flowId(flowId).sequence(sequence).byteOffset(written);
                final int result = port.offer(chunk);
                if (result == DataPort.OK) {
                    written += length;
                    sequence++;
                    if (written == bytes.length) {
                        port.finish();
                    }
                } else {
                    chunk.release();
                }
            }
            final Chunk chunk = port.poll(chunks);
            if (chunk != null) {
                if (chunk.header().sequence() != expected++ || chunk.header().flowId() != flowId) {
                    throw new AssertionError("out of order or foreign chunk: " + chunk.header().sequence()
                        + " of flow " + chunk.header().flowId());
                }
                System.arraycopy(chunk.array(), chunk.payloadOffset(), received, read, chunk.payloadLength());
                read += chunk.payloadLength();
                chunk.release();
            }
        }
        assertNull(port.poll(chunks));
        assertTrue(port.isDrained(), port.toString());
        return received;
    }

    private static Chunk filled(ChunkPool pool, long sequence, int length, byte value) {
        final Chunk chunk = pool.acquire();
        java.util.Arrays.fill(chunk.array(), Chunk.HEADROOM, Chunk.HEADROOM + length, value);
        chunk.payload(Chunk.HEADROOM, length);
        chunk.header().flowId(9).sequence(sequence).byteOffset(sequence * length);
        return chunk;
    }

    private static byte[] randomBytes(long seed, int length) {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
