package io.flowswitch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatcherTest {
    private static Batcher.Request r(String kind, long arrivalNs, long size) {
        return new Batcher.Request(kind, arrivalNs, size);
    }

    @Test
    void fillsUpToTheByteBudget() {
        final Batcher.Assignment a = new Batcher(4096, 1_000_000).assign(List.of(
            r("aes", 0, 1024), r("aes", 10, 1024), r("aes", 20, 2048), r("aes", 30, 1024)));
        assertEquals(List.of(0, 0, 0, 1), a.batchOfRequest());
        assertEquals(4096, a.batches().get(0).bytes());
        assertEquals(20, a.batches().get(0).dispatchNs(), "full at the arrival that filled it");
        assertEquals(30 + 1_000_000, a.batches().get(1).dispatchNs(), "the last one leaves at its latency bound");
    }

    @Test
    void latencyBoundClosesABatch() {
        final Batcher.Assignment a = new Batcher(1 << 20, 100).assign(List.of(
            r("aes", 0, 10), r("aes", 100, 10), r("aes", 101, 10)));
        assertEquals(List.of(0, 0, 1), a.batchOfRequest());
        assertEquals(100, a.batches().get(0).dispatchNs());
    }

    @Test
    void aRequestThatDoesNotFitDispatchesTheOpenBatch() {
        final Batcher.Assignment a = new Batcher(100, 1000).assign(List.of(r("aes", 0, 60), r("aes", 5, 60)));
        assertEquals(List.of(0, 1), a.batchOfRequest());
        assertEquals(5, a.batches().get(0).dispatchNs());
    }

    @Test
    void kindsBatchSeparately() {
        final Batcher.Assignment a = new Batcher(100, 1000).assign(List.of(
            r("aes", 0, 10), r("sha", 1, 10), r("aes", 2, 10), r("sha", 3, 10)));
        assertEquals(List.of(0, 1, 0, 1), a.batchOfRequest());
        assertEquals(List.of(0, 2), a.batches().get(0).requests());
        assertEquals("sha", a.batches().get(1).kind());
    }

    @Test
    void anOversizedRequestIsABatchOfItsOwn() {
        final Batcher.Assignment a = new Batcher(100, 1000).assign(List.of(r("aes", 0, 10), r("aes", 1, 500),
            r("aes", 2, 10)));
        assertEquals(List.of(0, 1, 2), a.batchOfRequest());
        assertEquals(1, a.batches().get(1).dispatchNs());
    }

    @Test
    void zeroDelayMeansNoWaiting() {
        final Batcher.Assignment a = new Batcher(100, 0).assign(List.of(r("aes", 5, 10), r("aes", 5, 10),
            r("aes", 6, 10)));
        assertEquals(List.of(0, 0, 1), a.batchOfRequest());
        assertEquals(5, a.batches().get(0).dispatchNs());
    }

    @Test
    void arrivalsMustNotGoBack() {
        assertThrows(SchedulerException.class, () -> new Batcher(100, 10).assign(List.of(r("a", 5, 1), r("a", 4, 1))));
    }
}
